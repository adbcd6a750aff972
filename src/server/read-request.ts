/**
 * @module server/read-request
 * Reads a JSON request body — within the size limit (`read-body-bytes.ts`), valid UTF-8, valid
 * JSON, nested no deeper than `server.maxJsonDepth` and with no key repeated in one object
 * (`body-structure.ts`) — and validates it against a zod schema, answering failures the way
 * OpenAI does: 400 `invalid_request_error` with `param` naming the first offending field and a
 * message listing every problem in plain words (see `errors/zod-issues.ts`); 413 for a body over
 * the limit.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';
import { assertSoundStructure } from './body-structure.js';
import { describeZodIssues, formatProblemSentence } from '../errors/zod-issues.js';
import type { GatewayEnv } from './gateway-env.js';
import { readBodyBytes } from './read-body-bytes.js';

export async function readJsonBody(context: Context<GatewayEnv>): Promise<unknown> {
  return (await readJsonBodyAndBytes(context)).value;
}

/**
 * The parsed body and its exact bytes (which a pass-through upstream may be sent unchanged). The
 * bytes stay outside the JavaScript heap; the decoded text is dropped once parsed, so a large
 * prompt is not held twice in the heap while its call runs.
 */
export async function readJsonBodyAndBytes(context: Context<GatewayEnv>): Promise<{ value: unknown; bytes: Uint8Array }> {
  const { bodyLimitBytes, maxJsonDepth } = context.get('gateway').config.server;
  let bytes = await readBodyBytes(context, bodyLimitBytes);
  // A byte-order mark is not part of the JSON (TextDecoder drops it too); upstream gets none.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const value = parseJsonText(decodeUtf8(bytes));
  assertSoundStructure(bytes, value, maxJsonDepth);
  return { value, bytes };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new GatewayError(400, 'The request body is not valid UTF-8; send JSON encoded as UTF-8.', { code: 'invalid_json' });
  }
}

function parseJsonText(text: string): unknown {
  if (text.length === 0) {
    throw new GatewayError(400, 'The request body is empty; send a JSON object.', { code: 'invalid_json' });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError(
      400,
      'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload.)',
      { code: 'invalid_json' },
    );
  }
}

export function validateBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError(400, 'The request body must be a JSON object.', { code: 'invalid_request_body' });
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = describeZodIssues(result.error.issues, body, schema);
  throw new GatewayError(400, `Invalid request: ${formatProblemSentence(problems)}`, { param: problems[0]?.field || null, code: 'invalid_request_body' });
}

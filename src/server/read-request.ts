/**
 * @module server/read-request
 * Reads a JSON request body, within the configured size limit, and validates it against a zod
 * schema, answering failures the way OpenAI does: 400 `invalid_request_error` with `param` naming
 * the first offending field and a message listing every problem in plain words (see
 * `errors/zod-issues.ts`); 413 for a body over the limit.
 *
 * The limit is checked here rather than by a middleware: Hono's body-limit middleware wraps the
 * body in a new stream, which makes the Node adapter build a full WHATWG Request for every call —
 * measurable on the hot path. With a `content-length` (what every SDK sends) the length is known
 * before reading and the adapter's fast path reads the body straight from the socket.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';
import { describeZodIssues, formatProblemSentence } from '../errors/zod-issues.js';
import type { GatewayEnv } from './gateway-env.js';

export async function readJsonBody(context: Context<GatewayEnv>): Promise<unknown> {
  return (await readJsonBodyAndBytes(context)).value;
}

/**
 * The parsed body and its exact bytes (which a pass-through upstream may be sent unchanged). The
 * bytes stay outside the JavaScript heap; the decoded text is dropped once parsed, so a large
 * prompt is not held twice in the heap while its call runs.
 */
export async function readJsonBodyAndBytes(context: Context<GatewayEnv>): Promise<{ value: unknown; bytes: Uint8Array }> {
  let bytes = await readBodyBytes(context, context.get('gateway').config.server.bodyLimitBytes);
  // A byte-order mark is not part of the JSON (TextDecoder drops it too); upstream gets none.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  return { value: parseJsonText(decodeUtf8(bytes)), bytes };
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

async function readBodyBytes(context: Context<GatewayEnv>, limit: number): Promise<Uint8Array> {
  const declared = context.req.header('content-length');
  if (declared !== undefined) {
    if (Number(declared) > limit) throw tooLarge(limit);
    return new Uint8Array(await context.req.arrayBuffer());
  }
  // No length given (chunked): count the bytes as they arrive and stop at the limit.
  const body = context.req.raw.body;
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError(413, `The request body is larger than the ${limit} bytes allowed.`, { code: 'request_too_large' });
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

/**
 * @module server/read-request
 * Reads a JSON request body and validates it against a zod schema, answering failures the way
 * OpenAI does: 400 `invalid_request_error`, with `param` naming the first offending field and a
 * message listing every problem.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';

export async function readJsonBody(context: Context): Promise<unknown> {
  const text = await context.req.text();
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
  const issues = result.error.issues;
  const described = issues.slice(0, 10).map((issue) => `${formatPath(issue.path) || '(body)'}: ${issue.message}`);
  if (issues.length > 10) described.push(`...and ${issues.length - 10} more`);
  return failValidation(described, formatPath(issues[0].path) || null);
}

function failValidation(problems: string[], param: string | null): never {
  throw new GatewayError(400, `Invalid request: ${problems.join('; ')}`, { param, code: 'invalid_request_body' });
}

/** `['messages', 0, 'content']` → `messages[0].content`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text;
}

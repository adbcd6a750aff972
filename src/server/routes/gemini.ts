/**
 * @module server/routes/gemini
 * Google's Gemini API: `POST /v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent` (SSE with `alt=sse`, else one streamed JSON array), so Google's SDK
 * works with its base URL set to Tollgate. The key comes as `x-goog-api-key` or `?key=` (read by
 * the tenant auth middleware); the body is mapped by `protocols/gemini` and runs as one metered
 * chat call for any configured model; errors answer in Google's shape.
 */
import type { Hono } from 'hono';
import { geminiCodec, generateContentRequestSchema, toChatRequest } from '../../../protocols/gemini/index.js';
import { assertDepthWithin } from '../bounded-json.js';
import type { GatewayEnv } from '../gateway-env.js';
import { runInboundChat } from '../inbound-chat.js';
import { readJsonBodyAndBytes, validateBody } from '../read-request.js';

export function registerGemini(app: Hono<GatewayEnv>): void {
  for (const method of ['generateContent', 'streamGenerateContent'] as const) {
    // Hono cannot match a parameter followed by `:method` in one segment: the parameter takes the
    // whole `{model}:{method}` and the suffix is cut off here.
    app.post(`/v1beta/models/:target{.+:${method}}`, async (context) => {
      const model = context.req.param('target').slice(0, -(method.length + 1));
      const body = await readJsonBodyAndBytes(context);
      assertDepthWithin(body.value);
      const client = validateBody(generateContentRequestSchema, body.value);
      const stream = method === 'streamGenerateContent';
      const framing = context.req.query('alt') === 'sse' ? 'sse' : 'json-array';
      return runInboundChat(context, { request: toChatRequest(client, model, stream), codec: geminiCodec(model, framing) });
    });
  }
}

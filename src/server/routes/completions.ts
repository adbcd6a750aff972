/**
 * @module server/routes/completions
 * The legacy `POST /v1/completions` (JSON or SSE), served by any configured chat model: mapped by
 * `protocols/completions`, run as one metered chat call.
 */
import type { Hono } from 'hono';
import { completionsCodec, completionsRequestSchema, toChatRequest } from '../../../protocols/completions/index.js';
import type { GatewayEnv } from '../gateway-env.js';
import { runInboundChat } from '../inbound-chat.js';
import { assertDepthWithin } from '../bounded-json.js';
import { readJsonBody, validateBody } from '../read-request.js';

export function registerCompletions(app: Hono<GatewayEnv>): void {
  app.post('/v1/completions', async (context) => {
    const body = await readJsonBody(context);
    assertDepthWithin(body);
    const client = validateBody(completionsRequestSchema, body);
    return runInboundChat(context, { request: toChatRequest(client), codec: completionsCodec(client) });
  });
}

/**
 * @module server/routes/anthropic-messages
 * Anthropic's Messages API: `POST /v1/messages` (JSON, or SSE with `"stream": true`) and
 * `POST /v1/messages/count_tokens`. The body is validated and mapped by `protocols/anthropic`,
 * then runs as one metered chat call; an Anthropic upstream receives the client's own bytes (the
 * model swapped) with its `anthropic-version` and `anthropic-beta`, any other is translated.
 */
import type { Context, Hono } from 'hono';
import { anthropicCodec, countTokensRequestSchema, messagesRequestSchema, nativeHeaderNames, promptPart, toChatRequest } from '../../../protocols/anthropic/index.js';
import { assertModelAllowed } from '../../auth/authenticate.js';
import { chatPromptText, tokenCounterThread } from '../../metering/index.js';
import { assertDepthWithin } from '../bounded-json.js';
import type { GatewayEnv } from '../gateway-env.js';
import { runInboundChat } from '../inbound-chat.js';
import { readJsonBodyAndBytes, validateBody } from '../read-request.js';
import { tenantCaller } from '../tenant-auth.js';

export function registerAnthropicMessages(app: Hono<GatewayEnv>): void {
  app.post('/v1/messages', async (context) => {
    const body = await readJsonBodyAndBytes(context);
    assertDepthWithin(body.value);
    const client = validateBody(messagesRequestSchema, body.value);
    return runInboundChat(context, {
      request: toChatRequest(client),
      codec: anthropicCodec(client.model),
      native: { protocol: 'anthropic', rawBody: body.bytes, headers: nativeHeaders(context) },
    });
  });

  // Counted by Tollgate (tiktoken) for any model, so it needs no upstream and costs nothing.
  app.post('/v1/messages/count_tokens', async (context) => {
    const body = await readJsonBodyAndBytes(context);
    assertDepthWithin(body.value);
    const client = validateBody(countTokensRequestSchema, body.value);
    const services = context.get('gateway');
    const target = services.models.resolve(client.model);
    assertModelAllowed(tenantCaller(context), target.publicName);
    const [inputTokens] = await tokenCounterThread.count([chatPromptText(promptPart(client))]);
    return context.json({ input_tokens: inputTokens });
  });
}

function nativeHeaders(context: Context<GatewayEnv>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of nativeHeaderNames) {
    const value = context.req.header(name);
    if (value) headers[name] = value;
  }
  return headers;
}

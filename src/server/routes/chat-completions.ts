/**
 * @module server/routes/chat-completions
 * `POST /v1/chat/completions`, streamed and not. Validates the body, resolves the model, calls the
 * provider, and answers with the upstream's own bytes where they are already the OpenAI shape.
 */
import type { Hono } from 'hono';
import { chatCompletionRequestSchema } from '../../../schemas/openai-chat.js';
import type { GatewayEnv } from '../gateway-env.js';
import { readJsonBody, validateBody } from '../read-request.js';
import { sseResponse } from '../sse-response.js';

export function registerChatCompletions(app: Hono<GatewayEnv>): void {
  app.post('/v1/chat/completions', async (context) => {
    const request = validateBody(chatCompletionRequestSchema, await readJsonBody(context));
    const { models } = context.var.gateway;
    const target = models.resolve(request.model);
    const callContext = {
      upstreamModel: target.upstreamModel,
      signal: context.req.raw.signal,
      requestId: context.var.requestId,
    };
    if (request.stream) {
      const parts = await target.provider.streamChat(request, callContext);
      return sseResponse(parts, { includeUsage: request.stream_options?.include_usage === true });
    }
    const result = await target.provider.chat(request, callContext);
    return new Response(result.json ?? JSON.stringify(result.completion), {
      headers: { 'content-type': 'application/json' },
    });
  });
}

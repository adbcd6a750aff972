/**
 * @module server/routes/responses
 * OpenAI's Responses API: `POST /v1/responses` (JSON, or typed SSE events with `"stream": true`),
 * `GET` and `DELETE /v1/responses/{id}`. A request runs as one metered chat call; an OpenAI
 * upstream receives the client's own bytes (the model swapped), others are translated. With
 * `store` (the default, as at OpenAI) the Response and its conversation are kept for the tenant,
 * so `previous_response_id` can continue it on any model.
 */
import type { Hono } from 'hono';
import { newId, responseNotFound, responsesCodec, responsesRequestSchema, storedConversation, toChatRequest, inputMessages } from '../../../protocols/responses/index.js';
import { responseStoreFor } from '../../responses/response-store.js';
import { assertDepthWithin } from '../bounded-json.js';
import type { GatewayEnv } from '../gateway-env.js';
import { runInboundChat } from '../inbound-chat.js';
import { readJsonBodyAndBytes, validateBody } from '../read-request.js';
import { tenantCaller } from '../tenant-auth.js';

export function registerResponses(app: Hono<GatewayEnv>): void {
  app.post('/v1/responses', async (context) => {
    const body = await readJsonBodyAndBytes(context);
    assertDepthWithin(body.value);
    const client = validateBody(responsesRequestSchema, body.value);
    const tenantId = tenantCaller(context).tenant.id;
    const store = responseStoreFor(context.get('gateway').config);
    const previousId = client.previous_response_id;
    const previous = previousId ? store.get(tenantId, previousId) : undefined;
    if (previousId && !previous) throw responseNotFound(previousId, 'previous_response_id');
    const history = previous?.conversation ?? [];
    const sent = [...history, ...inputMessages(client.input)];
    return runInboundChat(context, {
      request: toChatRequest(client, history),
      codec: responsesCodec({
        shell: { id: newId('resp'), createdAt: Math.floor(Date.now() / 1000), publicModel: client.model, request: client },
        onResponse: (response) => {
          if (client.store !== false) store.put(tenantId, { id: response.id, response, conversation: storedConversation(sent, response) });
        },
      }),
      // A continued conversation lives here, not at the upstream: it is sent in full, translated.
      native: previous ? undefined : { protocol: 'responses', rawBody: body.bytes, headers: {} },
    });
  });

  app.get('/v1/responses/:id', (context) => {
    const id = context.req.param('id');
    const stored = responseStoreFor(context.get('gateway').config).get(tenantCaller(context).tenant.id, id);
    if (!stored) throw responseNotFound(id);
    return context.json(stored.response);
  });

  app.delete('/v1/responses/:id', (context) => {
    const id = context.req.param('id');
    if (!responseStoreFor(context.get('gateway').config).delete(tenantCaller(context).tenant.id, id)) throw responseNotFound(id);
    return context.json({ id, object: 'response', deleted: true });
  });
}

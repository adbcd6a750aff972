/**
 * @module server/routes/chat-completions
 * `POST /v1/chat/completions`, streamed and not: validate, then one metered chat call (see
 * `calls/chat-call.ts`); the answer is the upstream's own bytes where they are already the
 * OpenAI shape.
 */
import type { Hono } from 'hono';
import { chatCompletionRequestSchema } from '../../../schemas/openai-chat.js';
import { plainChatRequest } from '../../../schemas/plain-chat-request.js';
import { beginChatCall, streamOutcome, usageOfResult } from '../../calls/chat-call.js';
import { callLabels } from '../../calls/call-labels.js';
import { costHeader } from '../../calls/metered-call.js';
import { toGatewayError } from '../../errors/render-error.js';
import type { GatewayEnv } from '../gateway-env.js';
import { readJsonBodyAndBytes, validateBody } from '../read-request.js';
import { answerBody } from '../public-model.js';
import { nodeOutgoing } from '../node-objects.js';
import { sseResponse } from '../sse-response.js';
import { tenantCaller } from '../tenant-auth.js';
import { clientSignal } from '../client-signal.js';

export function registerChatCompletions(app: Hono<GatewayEnv>): void {
  app.post('/v1/chat/completions', async (context) => {
    const caller = tenantCaller(context);
    const body = await readJsonBodyAndBytes(context);
    // A plain request (text messages, scalar options) is vouched for by a scan; any other by the schema.
    const request = plainChatRequest(body.value) ?? validateBody(chatCompletionRequestSchema, body.value);
    const call = await beginChatCall(context.get('gateway'), request, {
      caller,
      requestId: context.get('requestId'),
      signal: clientSignal(context),
      kind: 'chat',
      rawBody: body.bytes,
      labels: callLabels(context, request.user),
      cacheControl: context.req.header('cache-control'),
      requestHeader: (name) => context.req.header(name),
    });
    const { metered } = call;
    try {
      if (request.stream) {
        const parts = await call.stream(request);
        return sseResponse(parts, {
          includeUsage: request.stream_options?.include_usage === true,
          publicModel: call.target.publicName,
          headers: metered.responseHeaders,
          outgoing: nodeOutgoing(context.env),
          onFirstByte: () => metered.markFirstByte(),
          onFinish: async (summary) => `${costHeader}: ${metered.complete(await streamOutcome(request, summary))}`,
        });
      }
      const result = await call.complete(request);
      const cost = metered.complete({ status: 200, ...(await usageOfResult(request, result)) });
      const headers = metered.addResponseHeaders({ 'content-type': 'application/json' });
      headers[costHeader] = cost;
      return new Response(answerBody(result, call.target.publicName), { headers });
    } catch (error) {
      const gatewayError = toGatewayError(error);
      metered.fail(gatewayError);
      throw gatewayError;
    }
  });
}

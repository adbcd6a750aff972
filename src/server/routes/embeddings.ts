/**
 * @module server/routes/embeddings
 * `POST /v1/embeddings` for providers that have an embeddings API.
 */
import type { Hono } from 'hono';
import { embeddingsRequestSchema } from '../../../schemas/openai-embeddings.js';
import { unsupported } from '../../errors/gateway-error.js';
import type { GatewayEnv } from '../gateway-env.js';
import { readJsonBody, validateBody } from '../read-request.js';

export function registerEmbeddings(app: Hono<GatewayEnv>): void {
  app.post('/v1/embeddings', async (context) => {
    const request = validateBody(embeddingsRequestSchema, await readJsonBody(context));
    const target = context.var.gateway.models.resolve(request.model);
    if (!target.provider.embed) throw unsupported(target.providerName, 'Embeddings', 'model');
    const result = await target.provider.embed(request, {
      upstreamModel: target.upstreamModel,
      signal: context.req.raw.signal,
      requestId: context.var.requestId,
    });
    return new Response(result.json ?? JSON.stringify(result.response), {
      headers: { 'content-type': 'application/json' },
    });
  });
}

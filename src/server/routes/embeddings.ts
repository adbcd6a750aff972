/**
 * @module server/routes/embeddings
 * `POST /v1/embeddings` for providers that have an embeddings API, metered like every call and
 * routed like a chat call: a model group's deployments, retries and fallbacks (calls/route-chat.ts).
 */
import type { Hono } from 'hono';
import { embeddingsRequestSchema } from '../../../schemas/openai-embeddings.js';
import { callLabels } from '../../calls/call-labels.js';
import { costHeader, MeteredCall } from '../../calls/metered-call.js';
import { resolveModelFor } from '../../calls/resolve-model.js';
import { routeChat } from '../../calls/route-chat.js';
import { unsupported } from '../../errors/gateway-error.js';
import { toGatewayError } from '../../errors/render-error.js';
import { embeddingsPromptParts, embeddingsTokenUpperBound, tightPromptTokenBound } from '../../metering/index.js';
import type { GatewayEnv } from '../gateway-env.js';
import { usageOrEstimate } from '../../calls/usage-or-estimate.js';
import { readJsonBody, validateBody } from '../read-request.js';
import { answerBody } from '../public-model.js';
import { tenantCaller } from '../tenant-auth.js';
import { clientSignal } from '../client-signal.js';

export function registerEmbeddings(app: Hono<GatewayEnv>): void {
  app.post('/v1/embeddings', async (context) => {
    const caller = tenantCaller(context);
    const request = validateBody(embeddingsRequestSchema, await readJsonBody(context));
    const labels = callLabels(context, request.user);
    const services = context.get('gateway');
    const target = resolveModelFor(services.models, caller, request.model);
    if (!target.provider.embed) throw unsupported(target.providerName, 'Embeddings', 'model');
    const call = await MeteredCall.begin(services.metering, {
      caller,
      kind: 'embeddings',
      target: { publicModel: target.publicName, providerName: target.providerName, providerType: target.provider.type, upstreamModel: target.upstreamModel },
      streamed: false,
      requestId: context.get('requestId'),
      promptTokensUpperBound: embeddingsTokenUpperBound(request),
      countPromptTokens: () => tightPromptTokenBound(embeddingsPromptParts(request), target.provider.type),
      maxOutputTokens: 0,
      servableBy: target.servableBy,
      labels,
    });
    try {
      const route = { models: services.models, target, metered: call, signal: clientSignal(context), observe: services.metering.observe, requestHeader: (name: string) => context.req.header(name) };
      const served = await routeChat(route, (deployment, signal) => {
        if (!deployment.provider.embed) throw unsupported(deployment.providerName, 'Embeddings', 'model');
        return deployment.provider.embed(request, { upstreamModel: deployment.upstreamModel, signal, requestId: context.get('requestId') });
      });
      served.finish();
      const result = served.value;
      const usage = await usageOrEstimate(result.usage, () => ({ promptText: embeddingsText(request), generated: [] }));
      const cost = call.complete({ status: 200, ...usage });
      return new Response(answerBody(result, target.publicName), {
        headers: { 'content-type': 'application/json', ...call.responseHeaders, [costHeader]: cost },
      });
    } catch (error) {
      const gatewayError = toGatewayError(error);
      call.fail(gatewayError);
      throw gatewayError;
    }
  });
}

/** The text of the inputs, to count when an upstream reports usage that cannot be trusted (token-id inputs count as nothing). */
function embeddingsText(request: { input: unknown }): string {
  const inputs = Array.isArray(request.input) ? request.input : [request.input];
  return inputs.filter((input): input is string => typeof input === 'string').join('\n');
}

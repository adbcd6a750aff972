/**
 * @module server/routes/chat-completions
 * `POST /v1/chat/completions`, streamed and not: validate, resolve the model, check scope, reserve
 * quota, call the provider, answer (the upstream's own bytes where they are already the OpenAI
 * shape), then settle and write the ledger row.
 */
import type { Hono } from 'hono';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../../schemas/openai-chat.js';
import { costHeader, MeteredCall } from '../../calls/metered-call.js';
import { usageOrEstimate } from '../../calls/usage-or-estimate.js';
import { toGatewayError } from '../../errors/render-error.js';
import { chatPromptText, promptTokenUpperBound } from '../../metering/index.js';
import type { ResolvedModel } from '../../models/model-registry.js';
import type { GatewayEnv, GatewayServices } from '../gateway-env.js';
import { readJsonBody, validateBody } from '../read-request.js';
import { sseResponse, type StreamSummary } from '../sse-response.js';
import { tenantCaller } from '../tenant-auth.js';

export function registerChatCompletions(app: Hono<GatewayEnv>): void {
  app.post('/v1/chat/completions', async (context) => {
    const caller = tenantCaller(context);
    const request = validateBody(chatCompletionRequestSchema, await readJsonBody(context));
    const services = context.var.gateway;
    const target = services.models.resolve(request.model);
    const streamed = request.stream === true;
    const call = await MeteredCall.begin(services.metering, {
      caller,
      kind: 'chat',
      target: { publicModel: target.publicName, providerName: target.providerName, providerType: target.provider.type, upstreamModel: target.upstreamModel },
      streamed,
      requestId: context.var.requestId,
      promptTokensUpperBound: promptTokenUpperBound(request),
      maxOutputTokens: maxOutputTokens(request, target, services),
    });
    const callContext = { upstreamModel: target.upstreamModel, signal: context.req.raw.signal, requestId: context.var.requestId };
    try {
      if (streamed) {
        const parts = await target.provider.streamChat(request, callContext);
        return sseResponse(parts, {
          includeUsage: request.stream_options?.include_usage === true,
          headers: call.rateLimitHeaders,
          onFirstByte: () => call.markFirstByte(),
          onFinish: (summary) => `${costHeader}: ${call.complete(streamOutcome(request, summary))}`,
        });
      }
      const result = await target.provider.chat(request, callContext);
      const { usage, estimated } = usageOrEstimate(result.usage, () => ({ promptText: chatPromptText(request), generated: [result.completion] }));
      const cost = call.complete({ status: 200, usage, estimated });
      return new Response(result.json ?? JSON.stringify(result.completion), {
        headers: { 'content-type': 'application/json', ...call.rateLimitHeaders, [costHeader]: cost },
      });
    } catch (error) {
      const gatewayError = toGatewayError(error);
      call.fail(gatewayError);
      throw gatewayError;
    }
  });
}

/** A stream that failed or was abandoned is still billed for what was generated. */
function streamOutcome(request: ChatCompletionRequest, summary: StreamSummary) {
  const { usage, estimated } = usageOrEstimate(summary.usage, () => ({ promptText: chatPromptText(request), generated: summary.forwarded }));
  const status = summary.outcome === 'completed' ? 200 : summary.outcome === 'client_closed' ? 499 : (summary.error?.status ?? 502);
  return { status, usage, estimated, errorCode: summary.error?.code ?? (summary.outcome === 'client_closed' ? 'client_closed_request' : null) };
}

/** The most output this request can produce: its own limit, else the model's, else the configured cap; times n. */
function maxOutputTokens(request: ChatCompletionRequest, target: ResolvedModel, services: GatewayServices): number {
  const perChoice =
    request.max_completion_tokens ??
    request.max_tokens ??
    services.config.models[target.publicName]?.maxOutputTokens ??
    services.config.metering.defaultMaxOutputTokens;
  return perChoice * (request.n ?? 1);
}

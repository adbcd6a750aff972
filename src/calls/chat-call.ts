/**
 * @module calls/chat-call
 * One chat call on the request path, shared by `/v1/chat/completions` and the prompt APIs (a
 * prompt call is "render the template, then a chat call"): resolve the model, begin the metered
 * call (scope, price policy, quota reservation), answer from the response cache or route to a
 * deployment of the model group (`route-chat.ts`) streamed or not, and
 * settle with the usage the provider reported — or a tiktoken estimate when it reported none.
 */
import type { ChatCompletionRequest } from '../../schemas/openai-chat.js';
import { emptyUsage, type ChatResult, type ChatStreamPart, type NativeRequest, type NormalizedUsage } from '../../providers/types.js';
import type { TenantCaller } from '../auth/authenticate.js';
import type { CallKind, InboundProtocol } from '../ledger/types.js';
import { chatPromptParts, chatPromptText, promptTokenUpperBound, tightPromptTokenBound } from '../metering/index.js';
import type { ResolvedModel } from '../models/model-registry.js';
import type { GatewayServices } from '../server/gateway-env.js';
import type { StreamSummary } from '../server/sse-response.js';
import type { CallLabels } from './call-labels.js';
import { MeteredCall, type CacheStatus } from './metered-call.js';
import { routeChat, routedParts } from './route-chat.js';
import type { Deployment } from '../models/model-group.js';
import { cachedAnswerParts, type CachedChatAnswer, type ChatCacheTicket } from '../cache/index.js';
import { resolveModelFor } from './resolve-model.js';
import { usageOrEstimate } from './usage-or-estimate.js';

export interface ChatCallOptions {
  caller: TenantCaller;
  requestId: string;
  /** Aborted when the client goes away; passed upstream. */
  signal: AbortSignal;
  kind: Extract<CallKind, 'chat' | 'prompt'>;
  prompt?: { name: string; version: number };
  /** The client's exact body, for the request passed to `beginChatCall` (see `CallContext.rawBody`). */
  rawBody?: Uint8Array;
  /** The protocol the client spoke (`openai` when not given), for the ledger. */
  protocol?: InboundProtocol;
  /** The client's own request in its protocol, for an upstream that speaks it (see `CallContext.native`). */
  native?: NativeRequest;
  /** Chargeback labels: the end user and the `x-tollgate-tags`. */
  labels?: CallLabels;
  /** The client's `Cache-Control` request header (`no-cache`, `no-store`), for the response cache. */
  cacheControl?: string;
  /** Reads a client request header: a model group with `balance: hash:<header>` keys on its value. */
  requestHeader?: (name: string) => string | undefined;
}

export interface ChatCall {
  target: ResolvedModel;
  metered: MeteredCall;
  /** Calls the provider and waits for the whole answer. */
  complete(request: ChatCompletionRequest): Promise<ChatResult>;
  /** Calls the provider and resolves once it accepted; parts follow as they arrive. */
  stream(request: ChatCompletionRequest): Promise<AsyncIterable<ChatStreamPart>>;
}

export async function beginChatCall(services: GatewayServices, request: ChatCompletionRequest, options: ChatCallOptions): Promise<ChatCall> {
  const target = resolveModelFor(services.models, options.caller, request.model);
  const metered = await MeteredCall.begin(services.metering, {
    caller: options.caller,
    kind: options.kind,
    protocol: options.protocol,
    target: { publicModel: target.publicName, providerName: target.providerName, providerType: target.provider.type, upstreamModel: target.upstreamModel },
    streamed: request.stream === true,
    requestId: options.requestId,
    promptTokensUpperBound: promptTokenUpperBound(request),
    countPromptTokens: () => tightPromptTokenBound(chatPromptParts(request), target.provider.type),
    maxOutputTokens: maxOutputTokens(request, target, services),
    servableBy: target.servableBy,
    prompt: options.prompt,
    labels: options.labels,
  });
  const callContext = { upstreamModel: target.upstreamModel, signal: options.signal, requestId: options.requestId };
  // The raw body describes only the original request, never a derived one (a prompt's repair).
  const original = options.rawBody === undefined && options.native === undefined ? callContext : { ...callContext, rawBody: options.rawBody, native: options.native };
  // Each attempt goes to the deployment the router picked, with that attempt's signal (timeouts).
  const contextFor = (chatRequest: ChatCompletionRequest, deployment: Deployment, signal: AbortSignal) => ({
    ...(chatRequest === request ? original : callContext),
    upstreamModel: deployment.upstreamModel,
    signal,
  });
  const route = { models: services.models, target, metered, signal: options.signal, observe: services.metering.observe, requestHeader: options.requestHeader };
  const cache = services.cache.chat;
  // Only the client's own request is answered from (and kept in) the cache, never a derived one.
  const cacheTicket = cache.chatTicket({ tenantId: options.caller.tenant.id, publicModel: target.publicName, nativeBody: options.native?.rawBody }, request, options.cacheControl);
  const ticketFor = (chatRequest: ChatCompletionRequest) => (chatRequest === request ? cacheTicket : undefined);
  const lookup = async (ticket: ChatCacheTicket | undefined) => {
    if (!ticket) return undefined;
    const cached = await cache.lookupChat(ticket);
    // The metrics count lookups (a `no-cache` request looks nothing up).
    if (ticket.directives.lookup) services.metering.observe?.[cached ? 'cacheHit' : 'cacheMiss']({ routeKind: options.kind, model: target.publicName });
    return cached;
  };
  return {
    target,
    metered,
    complete: async (chatRequest) => {
      const ticket = ticketFor(chatRequest);
      const cached = await lookup(ticket);
      metered.cacheLookup(cacheStatus(ticket, cached, chatRequest === request));
      if (cached) return { completion: cached.completion, usage: cached.usage };
      const served = await routeChat(route, (deployment, signal) => deployment.provider.chat(chatRequest, contextFor(chatRequest, deployment, signal)));
      served.finish();
      const result = served.value;
      if (ticket) cache.keepChat(ticket, { completion: result.completion, usage: result.usage });
      return result;
    },
    stream: async (chatRequest) => {
      const ticket = ticketFor(chatRequest);
      const cached = await lookup(ticket);
      metered.cacheLookup(cacheStatus(ticket, cached, chatRequest === request));
      if (cached) return cachedAnswerParts(cached);
      const served = await routeChat(route, (deployment, signal) => deployment.provider.streamChat(chatRequest, contextFor(chatRequest, deployment, signal)));
      const parts = routedParts(served.value, served);
      return ticket ? cache.keepStream(ticket, parts) : parts;
    },
  };
}

/**
 * How the cache answered a request: undefined when its answers are not cached. A derived request (a
 * prompt's repair) always goes upstream, so a call that made one is billed as a miss.
 */
function cacheStatus(ticket: ChatCacheTicket | undefined, cached: CachedChatAnswer | undefined, original: boolean): CacheStatus | undefined {
  if (!ticket) return original ? undefined : 'miss';
  if (cached) return 'hit';
  return ticket.directives.lookup ? 'miss' : 'bypass';
}

/** The usage of a finished non-streamed answer: reported, or counted from what was sent and received. */
export function usageOfResult(request: ChatCompletionRequest, result: ChatResult): Promise<{ usage: NormalizedUsage; estimated: boolean }> {
  return usageOrEstimate(result.usage, () => ({ promptText: chatPromptText(request), generated: [result.completion] }));
}

/**
 * How a stream ended, for the ledger: a stream that failed or was abandoned is still billed for
 * what was generated. One that failed before anything came through (an empty body, an HTML page
 * served as a stream) generated nothing and reported nothing: it costs nothing, like any upstream error.
 */
export async function streamOutcome(request: ChatCompletionRequest, summary: StreamSummary) {
  const nothingCame = summary.outcome === 'failed' && summary.usage === null && (summary.nothingForwarded ?? summary.forwarded.length === 0);
  const { usage, estimated } = nothingCame
    ? { usage: emptyUsage(), estimated: false }
    : await usageOrEstimate(summary.usage, () => ({ promptText: chatPromptText(request), generated: summary.forwarded, outputScale: summary.outputScale }));
  const status = summary.outcome === 'completed' ? 200 : summary.outcome === 'client_closed' ? 499 : (summary.error?.status ?? 502);
  const errorCode = summary.error?.code ?? (summary.outcome === 'client_closed' ? 'client_closed_request' : null);
  return { status, usage, estimated, errorCode };
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

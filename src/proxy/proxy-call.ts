/**
 * @module proxy/proxy-call
 * One proxied REST call on the one request path: the caller (authenticated by the `/v1`-style
 * tenant middleware) is checked against the service's scope and access, the call is admitted by
 * `MeteredCall` (tenant, key and service quotas), the router picks a target and retries within its
 * limits, and the answer streams back as it arrives; the ledger row (service, method, route
 * template, status, bytes in and out, target, attempts) is written when the body has ended.
 */
import { randomFillSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Dispatcher } from 'undici';
import { attemptsHeader, costHeader, MeteredCall, type CallPlan } from '../calls/metered-call.js';
import type { MeteringServices } from '../calls/metering-services.js';
import { GatewayError } from '../errors/gateway-error.js';
import { toGatewayError } from '../errors/render-error.js';
import type { CallTrack } from '../observability/call-track.js';
import { RouterError, type RunResult } from '../router/index.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { clientSignal } from '../server/client-signal.js';
import { nodeIncoming } from '../server/node-objects.js';
import { tenantCaller } from '../server/tenant-auth.js';
import { requestBodyStream } from '../server/read-body-bytes.js';
import type { HttpCacheRequest, HttpCacheScope, HttpResponseCache } from '../cache/index.js';
import { captureAnswer } from '../idempotency/index.js';
import { logger } from '../logging/logger.js';
import { clientResponseHeaders, upstreamRequestHeaders, type ForwardContext } from './forward-headers.js';
import { arrivedWhole, RequestBody, responseBody } from './proxy-body.js';
import { routeTemplate } from './route-template.js';
import { assertMayCallService } from './service-access.js';
import type { RestService, ServiceTarget } from './service-registry.js';
import { upstreamAddress } from './upstream-address.js';
import { upstreamPath } from './upstream-path.js';
import { statusVerdict, transportVerdict } from './upstream-verdict.js';

/** RFC 9110 §9.2.2: a repeat has the same effect, so a retry is safe. */
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const noBodyMethods = new Set(['GET', 'HEAD']);
const noUsage = { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };

export async function proxyCall(context: Context<GatewayEnv>, service: RestService): Promise<Response> {
  const services = context.get('gateway');
  const caller = tenantCaller(context);
  const requestId = context.get('requestId');
  const method = context.req.method;
  const path = context.req.path;
  const plan: CallPlan = {
    caller,
    kind: 'proxy',
    protocol: 'openai',
    target: { publicModel: null, providerName: null, providerType: null, upstreamModel: null },
    streamed: false,
    requestId,
    promptTokensUpperBound: 0,
    maxOutputTokens: 0,
    service: service.name,
    request: { method, route: routeTemplate(service.config.mount, path) },
    serviceQuotas: service.config.quotas,
    // A REST call costs nothing in money: only request and concurrency windows apply.
    unitCost: { priced: true, worstCaseNanoUsd: 0 },
  };
  try {
    assertMayCallService(caller, service, services.prompts.subscriptions);
    assertBodyFits(context, service);
  } catch (error) {
    MeteredCall.recordRejected(services.metering, plan, toGatewayError(error));
    throw error;
  }
  const metered = await MeteredCall.begin(services.metering, plan);
  const href = context.req.url;
  const search = querySearch(href);
  const cached = cachedAnswers(context, service, path, search);
  const hit = cached && (await services.cache.http.lookup(cached.scope, cached.request));
  if (hit) return answerFromCache(hit, metered, noCostOf(services.metering));
  const incoming = nodeIncoming(context.env);
  const body = new RequestBody(noBodyMethods.has(method) ? null : requestBodySource(context, incoming, service.config.maxRequestBytes), service.config.maxRequestBytes);
  const track = services.observability.tracker.get(requestId);
  // One object for the call; each attempt writes its own trace headers into it.
  const forwarded: ForwardContext = {
    clientAddress: clientAddress(context, incoming),
    protocol: href.startsWith('https:') ? 'https' : 'http',
    host: context.req.header('host'),
    requestId,
    traceparent: '',
    tracestate: undefined,
    remove: service.removeHeaders,
    set: service.config.headers.set,
  };
  const target = upstreamPath(service.paths, path, search);
  const retryable = idempotentMethods.has(method) || context.req.header('idempotency-key') !== undefined;
  let served: RunResult<ServiceTarget, Dispatcher.ResponseData>;
  try {
    served = await service.pool.run(
      {
        retryable,
        hashKey: service.hashHeader ? context.req.header(service.hashHeader) : undefined,
        // The request's one client signal (shared with the idempotency gate): no AbortController per call.
        signal: clientSignal(context),
        // A body already (partly) sent cannot be sent again: nothing of it is kept.
        judge: (response) => {
          const verdict = statusVerdict(response.statusCode, response.headers['retry-after']);
          return !verdict.ok && body.started ? { ...verdict, retryable: false } : verdict;
        },
        judgeError: (error) => {
          const verdict = transportVerdict(error);
          return body.started ? { ...verdict, retryable: false } : verdict;
        },
        // Drained, not destroyed: a small error body leaves the connection reusable, and undici's destroy() would throw an AbortError at nobody.
        discard: (response) => void response.body.dump({ limit: 64 * 1024 }).catch(() => undefined),
      },
      async (attempt) => {
        const startedAt = performance.now();
        setTraceHeaders(forwarded, track, service.name, attempt.target.id, attempt.attempt);
        try {
          const { url, address } = attempt.target.value;
          const to = upstreamAddress(url, address, target);
          // The dispatcher itself, as `undici.request(url)` would call it, less the URL parse.
          const response = await service.dispatcher.request({
            origin: to.origin,
            path: to.path,
            method: method as Dispatcher.HttpMethod,
            // Node's own parsed headers where there are some: the web `Headers` would be iterated sorted and re-joined.
            headers: upstreamRequestHeaders(incoming?.headers ?? context.req.raw.headers, forwarded),
            body: body.whole ?? (body.empty ? undefined : Readable.from(body.chunks(), { objectMode: false })),
            signal: attempt.signal,
          });
          attempt.firstByte();
          if (track) track.upstreamOpenedAt = startedAt;
          return response;
        } catch (error) {
          if (track) track.upstreamSeconds += (performance.now() - startedAt) / 1000;
          throw error;
        }
      },
    );
  } catch (error) {
    const failure = routerFailure(error, service.name);
    // The client learns how many attempts failed, as a model group's caller does (`x-tollgate-attempts`).
    metered.attempted(error instanceof RouterError ? error.attempts : 0);
    metered.fail(failure, {
      target: error instanceof RouterError ? error.targetId : null,
      attempts: error instanceof RouterError ? error.attempts : 0,
      bytesIn: body.bytes,
      bytesOut: 0,
    });
    throw failure;
  }
  const response = respond(served, metered, body, method, track, noCostOf(services.metering));
  return cached ? keepIfCacheable(services.cache.http, cached, response, services.config.cache.maxEntryBytes, gatewayHeaders(metered)) : response;
}

/** The cache's view of a GET (or HEAD) to a service that caches: per tenant and service, the client's headers less its key. */
function cachedAnswers(context: Context<GatewayEnv>, service: RestService, path: string, search: string): { scope: HttpCacheScope; request: HttpCacheRequest } | undefined {
  const method = context.req.method;
  if (!service.config.cache || (method !== 'GET' && method !== 'HEAD')) return undefined;
  const headers: Record<string, string> = {};
  context.req.raw.headers.forEach((value, name) => {
    if (!credentialHeaders.has(name)) headers[name] = value;
  });
  return { scope: { tenantId: tenantCaller(context).tenant.id, service: service.name }, request: { method, url: `${path}${search}`, headers } };
}

/** The caller's Tollgate key: never part of what the cache compares (and a shared cache keeps nothing asked with `Authorization`). */
const credentialHeaders = new Set(['authorization', 'x-api-key', 'x-goog-api-key']);

/** A kept answer: a call with `cache_hit`, no target, no attempt. */
function answerFromCache(hit: Response, metered: MeteredCall, noCost: string): Response {
  metered.markFirstByte();
  for (const [name, value] of Object.entries(metered.rateLimitHeaders)) hit.headers.set(name, value);
  hit.headers.set(costHeader, noCost);
  const length = Number(hit.headers.get('content-length') ?? 0);
  metered.complete({ status: hit.status, usage: noUsage, estimated: false, cacheHit: true, costNanoUsd: 0, routed: { target: null, attempts: 0, bytesIn: 0, bytesOut: length } });
  return hit;
}

/** The headers the gateway adds to a proxied answer: they describe this call, never a later hit on its kept copy. */
function gatewayHeaders(metered: MeteredCall): Set<string> {
  return new Set([...Object.keys(metered.rateLimitHeaders), attemptsHeader, costHeader]);
}

/**
 * A GET answer the service marks cacheable is copied as it streams to the client and kept once
 * whole — with the service's headers only: a hit has its own rate limits and cost, and no attempt.
 */
function keepIfCacheable(cache: HttpResponseCache, cached: { scope: HttpCacheScope; request: HttpCacheRequest }, response: Response, maxEntryBytes: number, ownHeaders: Set<string>): Response {
  if (cached.request.method !== 'GET' || response.status !== 200) return response;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!ownHeaders.has(name)) headers[name] = value;
  });
  const head = { status: response.status, headers };
  if (!cache.storable(cached.request, head)) return response;
  return captureAnswer(response, maxEntryBytes, (captured) => {
    if (captured.outcome !== 'complete') return;
    cache.keep(cached.scope, cached.request, head, captured.body).catch((error) => logger.warn('keeping a REST answer in the cache failed', { error: String(error) }));
  });
}

function respond(
  served: RunResult<ServiceTarget, Dispatcher.ResponseData>,
  metered: MeteredCall,
  body: RequestBody,
  method: string,
  track: CallTrack | undefined,
  noCost: string,
): Response {
  const upstream = served.value;
  const status = upstream.statusCode;
  metered.markFirstByte();
  const headers = clientResponseHeaders(upstream.headers);
  const set = headers instanceof Headers ? (name: string, value: string) => headers.set(name, value) : (name: string, value: string) => (headers[name] = value);
  const rateLimits = metered.rateLimitHeaders;
  for (const name in rateLimits) set(name, rateLimits[name]);
  set(attemptsHeader, String(served.attempts));
  // A REST call is metered in requests, not money: its cost is always zero.
  set(costHeader, noCost);
  const finish = (bytesOut: number, error: unknown, clientGone: boolean) => {
    served.finish(error && !clientGone ? { reason: 'stream_broken', blameTarget: true } : undefined);
    if (track?.upstreamOpenedAt !== undefined) {
      track.upstreamSeconds += (performance.now() - track.upstreamOpenedAt) / 1000;
      track.upstreamOpenedAt = undefined;
    }
    const broke = error !== undefined;
    metered.complete({
      status: broke ? (clientGone ? 499 : 502) : status,
      usage: noUsage,
      estimated: false,
      errorCode: broke ? (clientGone ? 'client_closed_request' : 'upstream_stream_broken') : null,
      costNanoUsd: 0,
      routed: { target: served.target.id, attempts: served.attempts, bytesIn: body.bytes, bytesOut },
    });
  };
  if (method === 'HEAD' || status === 204 || status === 304) {
    void upstream.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    finish(0, undefined, false);
    return new Response(null, { status, headers });
  }
  const whole = arrivedWhole(upstream.body, upstream.headers['content-length'], Infinity);
  if (whole) {
    finish(whole.byteLength, undefined, false);
    return new Response(whole, { status, headers });
  }
  return new Response(responseBody(upstream.body, { activity: served.activity, done: finish }), { status, headers });
}

/** What a REST caller sees when no target produced an answer. */
function routerFailure(error: unknown, service: string): GatewayError {
  if (!(error instanceof RouterError)) return toGatewayError(error);
  if (error.cause instanceof GatewayError) return error.cause;
  const tried = `after ${error.attempts} attempt${error.attempts === 1 ? '' : 's'}`;
  switch (error.code) {
    case 'no_target':
      return new GatewayError(503, `The service \`${service}\` has no healthy target right now.`, {
        code: 'no_healthy_target',
        headers: { 'retry-after': '1' },
      });
    case 'timeout':
      return new GatewayError(504, `The service \`${service}\` did not answer in time (${tried}).`, { code: 'upstream_timeout' });
    case 'aborted':
      return new GatewayError(499, 'The client closed the connection before the service answered.', { code: 'client_closed_request' });
    case 'failed':
      return new GatewayError(502, `The service \`${service}\` could not be reached (${error.reason}, ${tried}).`, { code: 'upstream_unreachable' });
    default: {
      const unknown: never = error.code;
      return new GatewayError(502, `The service \`${service}\` failed (${String(unknown)}).`, { code: 'upstream_error' });
    }
  }
}

function assertBodyFits(context: Context<GatewayEnv>, service: RestService): void {
  const declared = context.req.header('content-length');
  if (declared !== undefined && Number(declared) > service.config.maxRequestBytes) {
    throw new GatewayError(413, `The request body is larger than the ${service.config.maxRequestBytes} bytes this service accepts.`, { code: 'request_too_large' });
  }
}

/**
 * The Node request where the server gives it (see `RequestBody`) — as one Buffer when all of a
 * small body is already here — else the web body; the bytes already read when an
 * `Idempotency-Key` needed them.
 */
function requestBodySource(context: Context<GatewayEnv>, incoming: IncomingMessage | undefined, limit: number): AsyncIterable<Uint8Array> | Buffer | null {
  if (context.get('requestBody')) return requestBodyStream(context);
  if (incoming) return arrivedWhole(incoming, incoming.headers['content-length'], limit) ?? incoming;
  return context.req.raw.body as AsyncIterable<Uint8Array> | null;
}

/** Query strings of these characters read the same raw as through a URL parser, which is dear per call. */
const plainQuery = /^\?[A-Za-z0-9\-._~%!$&()*+,;=:@/?]*$/;

/** The request's `?query` ('' when none), as a URL parser would give it. */
function querySearch(href: string): string {
  const at = href.indexOf('?');
  if (at === -1) return '';
  const raw = href.slice(at);
  if (raw.length > 1 && plainQuery.test(raw) && !raw.includes('#')) return raw;
  return new URL(href).search;
}

/** The peer's address: from the Node socket where the server gives it (what `getConnInfo` reads, without its object per call). */
function clientAddress(context: Context<GatewayEnv>, incoming: IncomingMessage | undefined): string | undefined {
  if (incoming) return incoming.socket?.remoteAddress;
  try {
    return getConnInfo(context).remote.address;
  } catch {
    return undefined;
  }
}

/** The attempt's `traceparent`: a child of the call's span when traced, the caller's own when not, or a fresh one. */
function setTraceHeaders(into: ForwardContext, track: CallTrack | undefined, service: string, target: string, attempt: number): void {
  if (track) track.attempts = attempt;
  const headers = track?.trace?.attempt({ providerName: service, providerType: 'rest', upstreamModel: target, operation: 'proxy' }, attempt).headers ?? track?.inboundTraceHeaders;
  const traceparent = headers?.traceparent;
  into.traceparent = traceparent || `00-${randomHex(16)}-${randomHex(8)}-00`;
  into.tracestate = traceparent ? headers?.tracestate : undefined;
}

/**
 * Random bytes for trace ids, drawn from a pool refilled 4 KB at a time: one system call per ~170
 * calls, not two per call; and hex-encoded once per refill, so a call takes two slices of a string.
 */
const randomPool = Buffer.alloc(4096);
let randomHexPool = '';
let randomUsed = randomPool.length;

function randomHex(bytes: number): string {
  if (randomUsed + bytes > randomPool.length) {
    randomFillSync(randomPool);
    randomHexPool = randomPool.toString('hex');
    randomUsed = 0;
  }
  randomUsed += bytes;
  return randomHexPool.slice(2 * (randomUsed - bytes), 2 * randomUsed);
}

/** A REST call's `x-tollgate-cost-usd`, always zero: formatted once per metering. */
const noCosts = new WeakMap<MeteringServices, string>();

function noCostOf(metering: MeteringServices): string {
  let text = noCosts.get(metering);
  if (text === undefined) noCosts.set(metering, (text = metering.formatUsd(0)));
  return text;
}

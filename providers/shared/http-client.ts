/**
 * @module providers/shared/http-client
 * One pooled, keep-alive undici `Agent` per configured provider. `timeoutMs` bounds both the wait
 * for response headers and any silence between body chunks, so a stalled stream fails instead of
 * hanging; the idle connections are reused across requests. `postUpstream` is every adapter's
 * POST: a failure below HTTP (refused, reset, timed out, aborted) becomes the gateway's 502/504/499,
 * and a redirect a 502. undici's `request()` never follows redirects (it has no redirect option
 * without an interceptor), so the key is never sent anywhere else; the dispatcher's own
 * `request()` (origin and path given, see `originAndPath`) is the same call without the URL parse.
 */
import { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { transportError } from './upstream-errors.js';
import { refuseUnexpectedStatus } from './upstream-response.js';

export interface DispatcherOptions {
  timeoutMs: number;
  maxConnections: number;
}

export function createDispatcher({ timeoutMs, maxConnections }: DispatcherOptions): Agent {
  return new Agent({
    connections: maxConnections,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: Math.min(timeoutMs, 10_000),
  });
}

export interface UpstreamPost {
  /** The provider's configured name, for error messages. */
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array | AsyncIterable<Uint8Array>;
  signal: AbortSignal;
  dispatcher: Dispatcher;
  /** The call's `traceparent`/`tracestate` (see `CallContext.traceHeaders`). */
  traceHeaders?: Record<string, string>;
}

/** Upstream URLs seen so far, split as undici's dispatcher takes them (bounded: cleared when full). */
const parsedUrls = new Map<string, { origin: string; path: string }>();
const maxParsedUrls = 1024;

/**
 * Origin and path of an upstream URL, parsed once per URL: undici's top-level `request(url)` builds
 * a WHATWG URL from the string on every call, and the URLs here are the few of the configured
 * providers and models. Only http(s), as `request()` allows.
 */
function originAndPath(url: string): { origin: string; path: string } {
  let parsed = parsedUrls.get(url);
  if (!parsed) {
    const { protocol, origin, pathname, search } = new URL(url);
    if (protocol !== 'http:' && protocol !== 'https:') throw new TypeError(`Invalid URL protocol: ${protocol} (the URL must start with http: or https:)`);
    parsed = { origin, path: `${pathname}${search}` };
    if (parsedUrls.size >= maxParsedUrls) parsedUrls.clear();
    parsedUrls.set(url, parsed);
  }
  return parsed;
}

/**
 * The answer, once it is a success (2xx) or an error (4xx/5xx) for the adapter to map; a redirect
 * is refused here, for every adapter (see `upstream-response.ts`).
 */
export async function postUpstream({ provider, url, headers, body, signal, dispatcher, traceHeaders }: UpstreamPost): Promise<Dispatcher.ResponseData> {
  let response: Dispatcher.ResponseData;
  try {
    const payload = typeof body === 'string' || body instanceof Uint8Array ? body : Readable.from(body);
    const { origin, path } = originAndPath(url);
    response = await dispatcher.request({ origin, path, method: 'POST', headers: traceHeaders ? { ...headers, ...traceHeaders } : headers, body: payload, signal });
  } catch (error) {
    throw transportError(provider, error, signal);
  }
  await refuseUnexpectedStatus(provider, response);
  return response;
}

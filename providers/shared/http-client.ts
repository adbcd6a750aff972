/**
 * @module providers/shared/http-client
 * One pooled, keep-alive undici `Agent` per configured provider. `timeoutMs` bounds both the wait
 * for response headers and any silence between body chunks, so a stalled stream fails instead of
 * hanging; the idle connections are reused across requests. `postUpstream` is every adapter's
 * POST: a failure below HTTP (refused, reset, timed out, aborted) becomes the gateway's 502/504/499,
 * and a redirect a 502. undici's `request()` never follows redirects (it has no redirect option
 * without an interceptor), so the key is never sent anywhere else.
 */
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
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

/**
 * The answer, once it is a success (2xx) or an error (4xx/5xx) for the adapter to map; a redirect
 * is refused here, for every adapter (see `upstream-response.ts`).
 */
export async function postUpstream({ provider, url, headers, body, signal, dispatcher, traceHeaders }: UpstreamPost): Promise<Dispatcher.ResponseData> {
  let response: Dispatcher.ResponseData;
  try {
    const payload = typeof body === 'string' || body instanceof Uint8Array ? body : Readable.from(body);
    response = await request(url, { method: 'POST', headers: traceHeaders ? { ...headers, ...traceHeaders } : headers, body: payload, signal, dispatcher });
  } catch (error) {
    throw transportError(provider, error, signal);
  }
  await refuseUnexpectedStatus(provider, response);
  return response;
}

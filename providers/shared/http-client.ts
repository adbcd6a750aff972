/**
 * @module providers/shared/http-client
 * One pooled, keep-alive undici `Agent` per configured provider. `timeoutMs` bounds both the wait
 * for response headers and any silence between body chunks, so a stalled stream fails instead of
 * hanging; the idle connections are reused across requests. `postUpstream` is every adapter's
 * POST: a failure below HTTP (refused, reset, timed out, aborted) becomes the gateway's 502/504/499.
 */
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { transportError } from './upstream-errors.js';

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

export async function postUpstream({ provider, url, headers, body, signal, dispatcher, traceHeaders }: UpstreamPost): Promise<Dispatcher.ResponseData> {
  try {
    const payload = typeof body === 'string' || body instanceof Uint8Array ? body : Readable.from(body);
    return await request(url, { method: 'POST', headers: traceHeaders ? { ...headers, ...traceHeaders } : headers, body: payload, signal, dispatcher });
  } catch (error) {
    throw transportError(provider, error, signal);
  }
}

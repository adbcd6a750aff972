/**
 * @module providers/shared/http-client
 * One pooled, keep-alive undici `Agent` per configured provider. `timeoutMs` bounds both the wait
 * for response headers and any silence between body chunks, so a stalled stream fails instead of
 * hanging; the idle connections are reused across requests.
 */
import { Agent } from 'undici';

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

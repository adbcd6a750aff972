/**
 * @module providers/shared/http-client
 * One pooled, keep-alive undici `Agent` per configured provider. `timeoutMs` bounds both the wait
 * for response headers and any silence between body chunks, so a stalled stream fails instead of
 * hanging; the idle connections are reused across requests.
 */
import { Agent, fetch as undiciFetch } from 'undici';

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

/**
 * A `fetch` bound to a dispatcher, for SDKs that accept a custom fetch. It is undici's own fetch,
 * not the global one, because Node's bundled undici may not accept an Agent from the npm package.
 */
export function fetchWithDispatcher(dispatcher: Agent): typeof globalThis.fetch {
  return ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher })) as unknown as typeof globalThis.fetch;
}

/**
 * @module server/client-signal
 * The signal a call hands upstream so that a client who leaves before its answer was written
 * aborts the upstream request (and the retries, backoffs and idempotency waits on its behalf).
 *
 * Not an `AbortController`: on Node 20 every `AbortSignal` is an `EventTarget` made transferable
 * at construction, and undici adds and removes an abort listener through the `EventTarget`
 * machinery on every request. Measured on the bench machine, a minimal Hono proxy spent ~30 µs
 * more per call with the adapter's `Request.signal` passed to undici than without it (~105 →
 * ~135 CPU µs/req): more than Hono's routing and middleware layers together. `ClientAbortSignal`
 * is the part of `AbortSignal` everything on the request path uses — `aborted`, `reason`,
 * `throwIfAborted()` and abort listeners (undici's `request()`, Node's `timers/promises`, the
 * router's deadlines and backoff, the idempotency gate) — as a plain object with a listener array.
 * It never reaches an API that needs a genuine `AbortSignal` (`fetch`, `AbortSignal.any`): the
 * providers post through undici's dispatcher (providers/shared/http-client.ts).
 */
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { GatewayEnv } from './gateway-env.js';

type Listener = ((event: Event) => void) | { handleEvent(event: Event): void };

export class ClientAbortSignal implements AbortSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: ((this: AbortSignal, event: Event) => unknown) | null = null;
  private listeners: Listener[] = [];

  /** Aborts once: listeners run in the order they were added, then `onabort`, as an `AbortSignal`'s do. */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const event = new Event('abort');
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) {
      if (typeof listener === 'function') listener.call(this, event);
      else listener.handleEvent(event);
    }
    this.onabort?.call(this, event);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** Only `abort` listeners exist; each is kept once however often it is added (as `EventTarget` does). */
  addEventListener(type: string, listener: Listener | null): void {
    if (type !== 'abort' || !listener || this.aborted || this.listeners.includes(listener)) return;
    this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: Listener | null): void {
    if (type !== 'abort' || !listener) return;
    const index = this.listeners.indexOf(listener);
    if (index >= 0) this.listeners.splice(index, 1);
  }

  dispatchEvent(event: Event): boolean {
    if (event.type === 'abort') this.abort();
    return true;
  }
}

/**
 * The call's client signal: aborted when the Node response closes before it finished (the client
 * reset or closed the connection). Made once per request, on first use. Under `app.request()`
 * (no Node response) the adapter's own `Request.signal`.
 */
export function clientSignal(context: Context<GatewayEnv>): AbortSignal {
  const known = context.get('clientSignal');
  if (known) return known;
  const outgoing = (context.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  const signal = outgoing ? abortedOnClose(outgoing) : context.req.raw.signal;
  context.set('clientSignal', signal);
  return signal;
}

function abortedOnClose(outgoing: ServerResponse): AbortSignal {
  const signal = new ClientAbortSignal();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) signal.abort(new Error('the client closed the connection'));
  });
  return signal;
}

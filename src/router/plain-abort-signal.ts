/**
 * @module router/plain-abort-signal
 * The part of `AbortSignal` everything on the request path uses — `aborted`, `reason`,
 * `throwIfAborted()` and abort listeners (undici's `request()`, Node's `timers/promises`, the
 * router's deadlines and backoff, the idempotency gate) — as a plain object with a listener array,
 * that aborts itself (`abort(reason)`: its own controller).
 *
 * Why: on Node 20 every `AbortSignal` is an `EventTarget` made transferable at construction, and
 * undici adds and removes its abort listener through the `EventTarget` machinery on every request.
 * Measured on the bench machine, a minimal Hono proxy spent ~30 µs more per call with the
 * adapter's `Request.signal` passed to undici than without it (~105 → ~135 CPU µs/req): more than
 * Hono's routing and middleware layers together. The client's signal (server/client-signal.ts)
 * and the router's timeouts (attempt-deadline.ts) are these.
 *
 * It must never reach an API that needs a genuine `AbortSignal` (`fetch`, `AbortSignal.any`,
 * `stream.addAbortSignal`): the providers post through undici's dispatcher
 * (providers/shared/http-client.ts).
 */
type Listener = ((event: Event) => void) | { handleEvent(event: Event): void };

export class PlainAbortSignal implements AbortSignal {
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

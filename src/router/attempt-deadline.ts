/**
 * @module router/attempt-deadline
 * The timers of one call and its attempts, expressed as abort signals so any client (undici, fetch,
 * a provider adapter, an async iterator) can honour them. The call's signal carries the caller's
 * abort and the total timeout; each attempt's signal adds the first-byte and idle-gap timers.
 */
import { DeadlineError } from './router-errors.js';
import type { Timeouts } from './types.js';

export class CallDeadline {
  /** Clock time the total timeout fires, or Infinity. */
  readonly endsAt: number;
  private controller: AbortController | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly external: AbortSignal | undefined;
  private abortedWith: { reason: unknown } | undefined;
  /** The live attempt's forwarder (rarely more than one): plain callbacks, not a second AbortSignal per call. */
  private readonly listeners = new Set<(reason: unknown) => void>();

  constructor(timeouts: Timeouts, now: number, external?: AbortSignal) {
    this.external = external;
    this.endsAt = timeouts.totalMs === undefined ? Infinity : now + timeouts.totalMs;
    if (timeouts.totalMs !== undefined) {
      const limit = timeouts.totalMs;
      this.timer = setTimeout(() => this.abort(new DeadlineError('total', limit)), limit);
      this.timer.unref();
    }
    if (external?.aborted) this.abort(external.reason);
    else external?.addEventListener('abort', this.forwardAbort, { once: true });
  }

  get aborted(): boolean {
    return this.abortedWith !== undefined;
  }

  get reason(): unknown {
    return this.abortedWith?.reason;
  }

  /**
   * The call as an AbortSignal, made on first use (a retry's backoff waits on it). An AbortSignal
   * is dear to make on Node 20 (it is set up to be transferable between threads), and most calls
   * never wait.
   */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortedWith) this.controller.abort(this.abortedWith.reason);
    }
    return this.controller.signal;
  }

  /** Calls `listener` once when the call is aborted; returns the unsubscribe. */
  onAbort(listener: (reason: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.external?.removeEventListener('abort', this.forwardAbort);
  }

  private abort(reason: unknown): void {
    if (this.abortedWith) return;
    this.abortedWith = { reason };
    this.controller?.abort(reason);
    for (const listener of [...this.listeners]) listener(reason);
    this.listeners.clear();
  }

  private readonly forwardAbort = () => this.abort(this.external?.reason);
}

export class AttemptDeadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private firstByteTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private started = false;
  private readonly stopForwarding: (() => void) | undefined;

  constructor(
    private readonly timeouts: Timeouts,
    call: CallDeadline,
  ) {
    this.signal = this.controller.signal;
    if (call.aborted) this.controller.abort(call.reason);
    else this.stopForwarding = call.onAbort((reason) => this.controller.abort(reason));
    if (timeouts.firstByteMs !== undefined) {
      const limit = timeouts.firstByteMs;
      this.firstByteTimer = setTimeout(() => this.controller.abort(new DeadlineError('first_byte', limit)), limit);
      this.firstByteTimer.unref();
    }
  }

  /** The answer began: the first-byte timer stops and the idle timer starts. */
  firstByte(): void {
    if (this.started) return;
    this.started = true;
    clearTimeout(this.firstByteTimer);
    if (this.timeouts.idleMs !== undefined && !this.signal.aborted) {
      const limit = this.timeouts.idleMs;
      this.idleTimer = setTimeout(() => this.controller.abort(new DeadlineError('idle', limit)), limit);
      this.idleTimer.unref();
    }
  }

  /** Bytes moved: restart the idle timer (refresh() reuses the timer, cheap per chunk). */
  activity(): void {
    if (!this.started) this.firstByte();
    this.idleTimer?.refresh();
  }

  dispose(): void {
    clearTimeout(this.firstByteTimer);
    clearTimeout(this.idleTimer);
    this.stopForwarding?.();
  }
}

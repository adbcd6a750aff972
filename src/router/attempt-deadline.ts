/**
 * @module router/attempt-deadline
 * The timers of one call and its attempts, expressed as abort signals so any client (undici, fetch,
 * a provider adapter, an async iterator) can honour them. The call's signal carries the caller's
 * abort and the total timeout; each attempt's signal adds the first-byte and idle-gap timers.
 */
import { DeadlineError } from './router-errors.js';
import type { Timeouts } from './types.js';

export class CallDeadline {
  readonly signal: AbortSignal;
  /** Clock time the total timeout fires, or Infinity. */
  readonly endsAt: number;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly external: AbortSignal | undefined;

  constructor(timeouts: Timeouts, now: number, external?: AbortSignal) {
    this.signal = this.controller.signal;
    this.external = external;
    this.endsAt = timeouts.totalMs === undefined ? Infinity : now + timeouts.totalMs;
    if (timeouts.totalMs !== undefined) {
      const limit = timeouts.totalMs;
      this.timer = setTimeout(() => this.controller.abort(new DeadlineError('total', limit)), limit);
      this.timer.unref();
    }
    if (external?.aborted) this.controller.abort(external.reason);
    else external?.addEventListener('abort', this.forwardAbort, { once: true });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.external?.removeEventListener('abort', this.forwardAbort);
  }

  private readonly forwardAbort = () => this.controller.abort(this.external?.reason);
}

export class AttemptDeadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private firstByteTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    private readonly timeouts: Timeouts,
    private readonly call: CallDeadline,
  ) {
    this.signal = this.controller.signal;
    if (call.signal.aborted) this.controller.abort(call.signal.reason);
    else call.signal.addEventListener('abort', this.forwardAbort, { once: true });
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
    this.call.signal.removeEventListener('abort', this.forwardAbort);
  }

  private readonly forwardAbort = () => this.controller.abort(this.call.signal.reason);
}

/**
 * @module router/attempt-deadline
 * The timers of one call and its attempts, expressed as abort signals so any client (undici, fetch,
 * a provider adapter, an async iterator) can honour them. The call's signal carries the caller's
 * abort and the total timeout; each attempt's signal adds the first-byte and idle-gap timers.
 *
 * Without a timer to add, a deadline hands on the signal it was given instead of making its own:
 * an `AbortController` and an abort listener per call and per attempt were ~3% of a chat call's
 * CPU for a model with no timeouts configured (the common group of one). With one (a REST
 * service's 30 s first-byte timeout by default) the signal is a `PlainAbortSignal`, not an
 * `AbortController`'s (plain-abort-signal.ts): ~2.5% of the REST profile.
 */
import { PlainAbortSignal } from './plain-abort-signal.js';
import { DeadlineError } from './router-errors.js';
import type { Timeouts } from './types.js';

export class CallDeadline {
  readonly signal: AbortSignal;
  /** Clock time the total timeout fires, or Infinity. */
  readonly endsAt: number;
  private readonly controller: PlainAbortSignal | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly external: AbortSignal | undefined;

  constructor(timeouts: Timeouts, now: number, external?: AbortSignal) {
    this.endsAt = timeouts.totalMs === undefined ? Infinity : now + timeouts.totalMs;
    if (timeouts.totalMs === undefined && external) {
      // Nothing of its own to abort for: the caller's signal is the call's.
      this.signal = external;
      return;
    }
    const controller = new PlainAbortSignal();
    this.controller = controller;
    this.signal = controller;
    this.external = external;
    if (timeouts.totalMs !== undefined) {
      const limit = timeouts.totalMs;
      this.timer = setTimeout(() => controller.abort(new DeadlineError('total', limit)), limit);
      this.timer.unref();
    }
    if (external?.aborted) controller.abort(external.reason);
    else external?.addEventListener('abort', this.forwardAbort, { once: true });
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (this.controller) this.external?.removeEventListener('abort', this.forwardAbort);
  }

  private readonly forwardAbort = () => this.controller?.abort(this.external?.reason);
}

export class AttemptDeadline {
  readonly signal: AbortSignal;
  private readonly controller: PlainAbortSignal | undefined;
  private firstByteTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    private readonly timeouts: Timeouts,
    private readonly call: CallDeadline,
  ) {
    if (timeouts.firstByteMs === undefined && timeouts.idleMs === undefined) {
      // No timer of the attempt's own: the call's signal is the attempt's.
      this.signal = call.signal;
      return;
    }
    const controller = new PlainAbortSignal();
    this.controller = controller;
    this.signal = controller;
    if (call.signal.aborted) controller.abort(call.signal.reason);
    else call.signal.addEventListener('abort', this.forwardAbort, { once: true });
    if (timeouts.firstByteMs !== undefined) {
      const limit = timeouts.firstByteMs;
      this.firstByteTimer = setTimeout(() => controller.abort(new DeadlineError('first_byte', limit)), limit);
      this.firstByteTimer.unref();
    }
  }

  /** The answer began: the first-byte timer stops and the idle timer starts. */
  firstByte(): void {
    if (this.started) return;
    this.started = true;
    if (!this.controller) return;
    clearTimeout(this.firstByteTimer);
    if (this.timeouts.idleMs !== undefined && !this.signal.aborted) {
      const limit = this.timeouts.idleMs;
      const controller = this.controller;
      this.idleTimer = setTimeout(() => controller.abort(new DeadlineError('idle', limit)), limit);
      this.idleTimer.unref();
    }
  }

  /** Bytes moved: restart the idle timer (refresh() reuses the timer, cheap per chunk). */
  activity(): void {
    if (!this.started) this.firstByte();
    this.idleTimer?.refresh();
  }

  dispose(): void {
    if (!this.controller) return;
    clearTimeout(this.firstByteTimer);
    clearTimeout(this.idleTimer);
    this.call.signal.removeEventListener('abort', this.forwardAbort);
  }

  private readonly forwardAbort = () => this.controller?.abort(this.call.signal.reason);
}

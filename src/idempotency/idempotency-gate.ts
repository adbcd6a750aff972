/**
 * @module idempotency/idempotency-gate
 * Decides what a request carrying an `Idempotency-Key` does: run (it is the first: it holds the
 * key's claim until its answer is kept or it failed), replay the first answer, wait for a first
 * request still running with the key, or be refused — 422 for a different request under a used
 * key, 409 when the first answer was too large to keep or the first request outlived the wait.
 * A store that cannot be reached (Redis down) does not fail the call: it runs without the key's
 * protection, and a throttled warning says so.
 */
import { randomUUID } from 'node:crypto';
import type { IdempotencyConfig } from '../../schemas/config.js';
import { GatewayError } from '../errors/gateway-error.js';
import { logger } from '../logging/logger.js';
import { ThrottledWarning } from '../quotas/throttled-warning.js';
import { idempotencyStoreKey } from './idempotency-key.js';
import type { IdempotencyStore, PendingEntry } from './idempotency-store.js';
import type { RecordedAnswer } from './recorded-answer.js';

export type Admission = { kind: 'run'; ticket: IdempotencyTicket } | { kind: 'replay'; answer: RecordedAnswer } | { kind: 'unprotected' };

export class IdempotencyGate {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly unavailable = new ThrottledWarning('idempotency store unavailable: calls with an Idempotency-Key run unprotected');

  constructor(
    readonly store: IdempotencyStore,
    readonly config: IdempotencyConfig,
  ) {}

  /** Throws 400 for a malformed key, 422, 409 or 499 (the client left while waiting). */
  async admit(tenantId: string, header: string, fingerprint: string, signal: AbortSignal): Promise<Admission> {
    const key = idempotencyStoreKey(tenantId, header, this.config.maxKeyLength);
    const deadline = Date.now() + this.config.waitMs;
    for (;;) {
      const claim: PendingEntry = { state: 'pending', fingerprint, owner: randomUUID() };
      let existing;
      try {
        // The claim outlives the wait of any repeat: a repeat never runs while the first may still.
        existing = await this.store.claim(key, claim, this.config.waitMs);
      } catch (error) {
        this.unavailable.warn({ error: String(error) });
        return { kind: 'unprotected' };
      }
      if (!existing) return { kind: 'run', ticket: new IdempotencyTicket(this, key, claim) };
      if (existing.fingerprint !== fingerprint) throw reusedKey();
      if (existing.state === 'done') return { kind: 'replay', answer: existing.answer };
      if (existing.state === 'not_kept') throw answerNotKept(existing.requestId, this.config.maxAnswerBytes);
      const left = deadline - Date.now();
      if (left <= 0) throw stillRunning(this.config.waitMs);
      await this.changeOf(key, Math.min(this.store.pollMs, left), signal);
    }
  }

  /** Wakes the repeats of this process waiting on `key`. */
  notify(key: string): void {
    const waiting = this.waiters.get(key);
    if (!waiting) return;
    this.waiters.delete(key);
    for (const wake of waiting) wake();
  }

  /** Resolves when the key's record changes in this process, after `ms` (another process may change it), or rejects when the client leaves. */
  private changeOf(key: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      let waiting = this.waiters.get(key);
      if (!waiting) this.waiters.set(key, (waiting = new Set()));
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', left);
        waiting.delete(done);
        if (waiting.size === 0 && this.waiters.get(key) === waiting) this.waiters.delete(key);
      };
      const wake = () => {
        done();
        resolve();
      };
      const left = () => {
        done();
        reject(new GatewayError(499, 'The client closed the connection while waiting for the first request with its Idempotency-Key.', { code: 'client_closed_request' }));
      };
      const timer = setTimeout(wake, ms);
      waiting.add(wake);
      if (signal.aborted) left();
      else signal.addEventListener('abort', left, { once: true });
    });
  }
}

/** The first request's hold on its key: settled with its answer, or released when it failed. */
export class IdempotencyTicket {
  private finished = false;

  constructor(
    private readonly gate: IdempotencyGate,
    private readonly key: string,
    private readonly claim: PendingEntry,
  ) {}

  /** Keeps the answer for replays (or the note that it was too large to keep). */
  keep(answer: RecordedAnswer | { tooLarge: true; requestId: string }): void {
    const { fingerprint } = this.claim;
    const outcome = 'tooLarge' in answer || answer.body.byteLength > this.gate.config.maxAnswerBytes
      ? { state: 'not_kept' as const, fingerprint, requestId: answer.requestId }
      : { state: 'done' as const, fingerprint, answer };
    this.finish((store) => store.settle(this.key, this.claim, outcome, this.gate.config.ttlSeconds * 1000));
  }

  /** Frees the key: the first request failed (or its client left), so a retry runs anew. */
  release(): void {
    this.finish((store) => store.release(this.key, this.claim));
  }

  private finish(write: (store: IdempotencyStore) => Promise<void>): void {
    if (this.finished) return;
    this.finished = true;
    write(this.gate.store)
      .catch((error) => logger.warn('writing an idempotency record failed', { error: String(error) }))
      .finally(() => this.gate.notify(this.key));
  }
}

function reusedKey(): GatewayError {
  return new GatewayError(422, 'This Idempotency-Key was already used with a different request (method, path or body); use a new key for a new request.', {
    param: 'Idempotency-Key',
    code: 'idempotency_key_reused',
  });
}

function answerNotKept(requestId: string, maxAnswerBytes: number): GatewayError {
  return new GatewayError(409, `The first answer under this Idempotency-Key (request ${requestId}) was larger than ${maxAnswerBytes} bytes and was not kept; it ran once and will not run again under this key.`, {
    param: 'Idempotency-Key',
    code: 'idempotency_answer_not_kept',
  });
}

function stillRunning(waitMs: number): GatewayError {
  return new GatewayError(409, `A request with this Idempotency-Key is still running after ${waitMs} ms; retry later.`, {
    param: 'Idempotency-Key',
    code: 'idempotency_key_in_use',
  });
}

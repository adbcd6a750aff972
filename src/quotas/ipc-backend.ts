/**
 * @module quotas/ipc-backend
 * Exact quotas across `tollgate serve --workers N` without Redis: the cluster's primary process
 * owns one in-process backend and every worker reaches it over the cluster's IPC channel. The
 * primary handles one message at a time, so a reservation stays all-or-nothing across workers.
 * One IPC round trip costs tens of microseconds — less than a Redis round trip — but each message
 * is a JSON encode, a write and a parse on both sides: under load the calls of one event-loop turn
 * go as one batch, answered by one reply, in the order they were made.
 */
import type { Worker } from 'node:cluster';
import type { QuotaBackend, QuotaCounter, ReserveOutcome } from './types.js';

type QuotaOperation =
  | { id: number; operation: 'reserve'; counters: QuotaCounter[] }
  | { id: number; operation: 'adjust'; adjustments: Array<{ key: string; delta: number }> }
  | { id: number; operation: 'read'; keys: string[] };

type QuotaBatch = { kind: 'tollgate-quota'; operations: QuotaOperation[] };

type QuotaAnswer = { id: number; result?: unknown; error?: string };

type QuotaReply = { kind: 'tollgate-quota-reply'; answers: QuotaAnswer[] };

/** A batch larger than this is sent at once rather than at the end of the turn (bounds one message's size). */
const maxBatch = 256;

/** The worker side: a `QuotaBackend` whose every call is answered by the primary. */
export class IpcQuotaBackend implements QuotaBackend {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private queued: QuotaOperation[] = [];
  private readonly onMessage = (message: unknown) => {
    const reply = message as QuotaReply;
    if (reply?.kind !== 'tollgate-quota-reply' || !Array.isArray(reply.answers)) return;
    for (const answer of reply.answers) {
      const waiter = this.pending.get(answer.id);
      if (!waiter) continue;
      this.pending.delete(answer.id);
      if (answer.error !== undefined) waiter.reject(new Error(answer.error));
      else waiter.resolve(answer.result);
    }
  };

  constructor(private readonly channel: NodeJS.Process = process) {
    if (!channel.send) throw new Error('IpcQuotaBackend needs an IPC channel (a cluster worker)');
    channel.on('message', this.onMessage);
  }

  reserve(counters: QuotaCounter[]): Promise<ReserveOutcome> {
    return this.call({ operation: 'reserve', counters }) as Promise<ReserveOutcome>;
  }

  async adjust(adjustments: Array<{ key: string; delta: number }>): Promise<void> {
    await this.call({ operation: 'adjust', adjustments });
  }

  read(keys: string[]): Promise<Array<number | null>> {
    return this.call({ operation: 'read', keys }) as Promise<Array<number | null>>;
  }

  async close(): Promise<void> {
    this.channel.off('message', this.onMessage);
    this.queued = [];
    for (const waiter of this.pending.values()) waiter.reject(new Error('quota channel closed'));
    this.pending.clear();
  }

  private call(request: DistributiveOmit<QuotaOperation, 'id'>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queued.push({ id, ...request } as QuotaOperation);
      if (this.queued.length >= maxBatch) this.sendQueued();
      // setImmediate, not a microtask: requests arrive in separate I/O callbacks of one poll phase.
      else if (this.queued.length === 1) setImmediate(() => this.sendQueued());
    });
  }

  /** Sends what this turn queued as one message; a send that fails fails each of its calls. */
  private sendQueued(): void {
    const operations = this.queued;
    if (operations.length === 0) return;
    this.queued = [];
    const batch: QuotaBatch = { kind: 'tollgate-quota', operations };
    this.channel.send!(batch, undefined, {}, (error: Error | null) => {
      if (!error) return;
      for (const { id } of operations) {
        const waiter = this.pending.get(id);
        this.pending.delete(id);
        waiter?.reject(error);
      }
    });
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** The primary side: answers one worker's batches of quota calls from the shared backend, in order. */
export function serveQuotaIpc(worker: Worker, backend: QuotaBackend): void {
  worker.on('message', async (message: unknown) => {
    const batch = message as QuotaBatch;
    if (batch?.kind !== 'tollgate-quota' || !Array.isArray(batch.operations)) return;
    const answers: QuotaAnswer[] = [];
    for (const request of batch.operations) answers.push(await answer(backend, request));
    if (worker.isConnected()) worker.send({ kind: 'tollgate-quota-reply', answers } satisfies QuotaReply);
  });
}

async function answer(backend: QuotaBackend, request: QuotaOperation): Promise<QuotaAnswer> {
  try {
    const result =
      request.operation === 'reserve'
        ? await backend.reserve(request.counters)
        : request.operation === 'adjust'
          ? await backend.adjust(request.adjustments)
          : await backend.read(request.keys);
    return { id: request.id, result };
  } catch (error) {
    return { id: request.id, error: String(error) };
  }
}

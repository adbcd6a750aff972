/**
 * @module quotas/ipc-backend
 * Exact quotas across `tollgate serve --workers N` without Redis: the cluster's primary process
 * owns one in-process backend and every worker reaches it over the cluster's IPC channel. The
 * primary handles one message at a time, so a reservation stays all-or-nothing across workers.
 * One IPC round trip costs tens of microseconds — less than a Redis round trip.
 */
import type { Worker } from 'node:cluster';
import type { QuotaBackend, QuotaCounter, ReserveOutcome } from './types.js';

type QuotaRequest =
  | { kind: 'tollgate-quota'; id: number; operation: 'reserve'; counters: QuotaCounter[] }
  | { kind: 'tollgate-quota'; id: number; operation: 'adjust'; adjustments: Array<{ key: string; delta: number }> }
  | { kind: 'tollgate-quota'; id: number; operation: 'read'; keys: string[] };

type QuotaReply = { kind: 'tollgate-quota-reply'; id: number; result?: unknown; error?: string };

/** The worker side: a `QuotaBackend` whose every call is answered by the primary. */
export class IpcQuotaBackend implements QuotaBackend {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly onMessage = (message: unknown) => {
    const reply = message as QuotaReply;
    if (reply?.kind !== 'tollgate-quota-reply') return;
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (reply.error !== undefined) waiter.reject(new Error(reply.error));
    else waiter.resolve(reply.result);
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
    for (const waiter of this.pending.values()) waiter.reject(new Error('quota channel closed'));
    this.pending.clear();
  }

  private call(request: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.channel.send!({ kind: 'tollgate-quota', id, ...request }, undefined, {}, (error: Error | null) => {
        if (!error) return;
        this.pending.delete(id);
        reject(error);
      });
    });
  }
}

/** The primary side: answers one worker's quota calls from the shared backend. */
export function serveQuotaIpc(worker: Worker, backend: QuotaBackend): void {
  worker.on('message', async (message: unknown) => {
    const request = message as QuotaRequest;
    if (request?.kind !== 'tollgate-quota') return;
    let reply: QuotaReply;
    try {
      const result =
        request.operation === 'reserve'
          ? await backend.reserve(request.counters)
          : request.operation === 'adjust'
            ? await backend.adjust(request.adjustments)
            : await backend.read(request.keys);
      reply = { kind: 'tollgate-quota-reply', id: request.id, result };
    } catch (error) {
      reply = { kind: 'tollgate-quota-reply', id: request.id, error: String(error) };
    }
    if (worker.isConnected()) worker.send(reply);
  });
}

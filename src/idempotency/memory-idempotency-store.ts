/**
 * @module idempotency/memory-idempotency-store
 * Idempotency records in this process: an LRU bounded in bytes (`idempotency.maxBytes`), each
 * record expiring after its TTL. Without Redis, gateways on several processes do not share keys.
 */
import { LRUCache } from 'lru-cache';
import type { IdempotencyEntry, IdempotencyStore, PendingEntry, SettledEntry } from './idempotency-store.js';

/** What a record costs besides its answer's body and headers (the key, the object, the fingerprint). */
const recordOverheadBytes = 256;

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records: LRUCache<string, IdempotencyEntry>;
  // Settling notifies waiters in this process directly; the poll only covers a claim that expired.
  readonly pollMs = 1_000;

  constructor(maxBytes: number) {
    this.records = new LRUCache<string, IdempotencyEntry>({ maxSize: maxBytes, sizeCalculation: sizeOf });
  }

  async claim(key: string, claim: PendingEntry, ttlMs: number): Promise<IdempotencyEntry | undefined> {
    const existing = this.records.get(key);
    if (existing) return existing;
    this.records.set(key, claim, { ttl: ttlMs });
    return undefined;
  }

  async settle(key: string, claim: PendingEntry, outcome: SettledEntry, ttlMs: number): Promise<void> {
    if (!this.isClaimOf(key, claim)) return;
    // An answer larger than the whole store is not kept (lru-cache would drop it silently).
    if (sizeOf(outcome) > this.records.maxSize) outcome = { state: 'not_kept', fingerprint: outcome.fingerprint, requestId: requestIdOf(outcome) };
    this.records.set(key, outcome, { ttl: ttlMs });
  }

  async release(key: string, claim: PendingEntry): Promise<void> {
    if (this.isClaimOf(key, claim)) this.records.delete(key);
  }

  private isClaimOf(key: string, claim: PendingEntry): boolean {
    const current = this.records.get(key);
    return current?.state === 'pending' && current.owner === claim.owner;
  }
}

function sizeOf(entry: IdempotencyEntry): number {
  if (entry.state !== 'done') return recordOverheadBytes;
  let headerBytes = 0;
  for (const [name, value] of entry.answer.headers) headerBytes += name.length + value.length;
  return recordOverheadBytes + entry.answer.body.byteLength + headerBytes;
}

function requestIdOf(entry: SettledEntry): string {
  return entry.state === 'done' ? entry.answer.requestId : entry.requestId;
}

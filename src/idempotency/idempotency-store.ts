/**
 * @module idempotency/idempotency-store
 * Where idempotency records live: in process by default (`memory-idempotency-store.ts`), in Redis
 * when configured (`redis-idempotency-store.ts`), so that gateways sharing Redis share keys.
 * A record is the key's claim while its first request runs (`pending`), then that request's
 * answer (`done`), or the note that the answer was too large to keep (`not_kept`).
 */
import type { RecordedAnswer } from './recorded-answer.js';

export interface PendingEntry {
  state: 'pending';
  fingerprint: string;
  /** Unique per claim: only the claimant may settle or release it. */
  owner: string;
}

export type SettledEntry =
  | { state: 'done'; fingerprint: string; answer: RecordedAnswer }
  | { state: 'not_kept'; fingerprint: string; requestId: string };

export type IdempotencyEntry = PendingEntry | SettledEntry;

export interface IdempotencyStore {
  /** Writes the claim unless the key has a record; returns that record, or undefined when the claim was written. */
  claim(key: string, claim: PendingEntry, ttlMs: number): Promise<IdempotencyEntry | undefined>;
  /** Replaces the claim with the first request's outcome (if the claim is still the owner's). */
  settle(key: string, claim: PendingEntry, outcome: SettledEntry, ttlMs: number): Promise<void>;
  /** Removes the claim (if still the owner's): the first request failed, so a retry may run. */
  release(key: string, claim: PendingEntry): Promise<void>;
  /** How often a repeat waiting for a claim looks again (another process may settle it). */
  readonly pollMs: number;
  close?(): Promise<void>;
}

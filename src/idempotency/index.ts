/**
 * @module idempotency
 * `Idempotency-Key` on POST calls: a repeat within `idempotency.ttlSeconds` (per tenant) gets the
 * first answer again — status, body and the headers that describe it, a stream again if it was
 * one — without a second upstream call or a second charge; a repeat while the first still runs
 * waits for it; a different request under the same key is a 422. Only answers that succeeded are
 * kept: a failed first request frees its key, so a retry runs anew.
 *
 * The only way in; it imports nothing of the request path. `calls/idempotent-calls.ts` wires it
 * in front of every call route.
 */
import type { IdempotencyConfig } from '../../schemas/config.js';
import type { ManagedRedisConnection } from '../redis/managed-connection.js';
import { IdempotencyGate } from './idempotency-gate.js';
import { MemoryIdempotencyStore } from './memory-idempotency-store.js';
import { RedisIdempotencyStore } from './redis-idempotency-store.js';

export { IdempotencyGate, IdempotencyTicket, type Admission } from './idempotency-gate.js';
export { idempotencyKeyHeader } from './idempotency-key.js';
export { requestFingerprint } from './request-fingerprint.js';
export { answerHeaders, replayedHeader, replayResponse, type RecordedAnswer } from './recorded-answer.js';
export { captureAnswer, type CapturedBody } from './capture-answer.js';

/** Records in Redis when a connection is given (shared by every gateway using it), else in this process. */
export function createIdempotencyGate(config: IdempotencyConfig, redis?: { connection: ManagedRedisConnection; keyPrefix: string }): IdempotencyGate {
  const store = redis ? new RedisIdempotencyStore(redis.connection, redis.keyPrefix) : new MemoryIdempotencyStore(config.maxBytes);
  return new IdempotencyGate(store, config);
}

/**
 * @module idempotency/request-fingerprint
 * What "the same request" means for a repeated `Idempotency-Key`: the same method, path, query and
 * body bytes. A repeat that differs in any of them is a different request under a reused key
 * (422), not a retry.
 */
import { createHash } from 'node:crypto';

export function requestFingerprint(method: string, pathAndQuery: string, body: Uint8Array): string {
  return createHash('sha256').update(method).update('\n').update(pathAndQuery).update('\n').update(body).digest('base64url');
}

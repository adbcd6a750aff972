/**
 * @module auth/api-key
 * Tollgate's API keys: `tg_` and 32 random base64url characters (192 bits). Only the SHA-256
 * hash is stored, with a short prefix to recognise the key in lists. SHA-256 without salt is the
 * right tool here (as for GitHub or Stripe tokens): the keys are random, not passwords, so there
 * is nothing to guess, and lookup by hash stays O(1).
 */
import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

const keyPrefixLength = 10;

export function generateApiKey(): string {
  return `tg_${randomBytes(24).toString('base64url')}`;
}

/** Every call hashes its key: the one-shot `hash()` costs less than half of a `createHash` stream object. */
export function hashApiKey(key: string): string {
  return `sha256:${hash('sha256', key, 'hex')}`;
}

export function displayPrefix(key: string): string {
  return key.slice(0, keyPrefixLength);
}

/** Compares two secrets in time independent of where they differ (and of their lengths). */
export function secretsEqual(given: string, expected: string): boolean {
  const givenDigest = createHash('sha256').update(given).digest();
  const expectedDigest = createHash('sha256').update(expected).digest();
  return timingSafeEqual(givenDigest, expectedDigest);
}

/** The key a request presents: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function presentedKey(authorization: string | undefined, apiKeyHeader: string | undefined): string | undefined {
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1].trim();
  }
  const direct = apiKeyHeader?.trim();
  return direct ? direct : undefined;
}

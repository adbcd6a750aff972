/**
 * @module idempotency/idempotency-key
 * The `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header): a string
 * the client chooses, typically a UUID. It is hostile input like any other: bounded in length,
 * printable ASCII only, and never stored or logged as sent — stores see its SHA-256.
 */
import { createHash } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error.js';

export const idempotencyKeyHeader = 'idempotency-key';

/** Visible ASCII (and inner spaces): what fits in a header and a log line without surprises. */
const printable = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

/** The store's name for a tenant's key: the tenant in clear (per-tenant scope), the key hashed. */
export function idempotencyStoreKey(tenantId: string, header: string, maxLength: number): string {
  if (header.length === 0 || header.length > maxLength || !printable.test(header)) {
    throw new GatewayError(
      400,
      `The Idempotency-Key header must be 1 to ${maxLength} printable ASCII characters (a UUID is a good choice).`,
      { param: 'Idempotency-Key', code: 'invalid_idempotency_key' },
    );
  }
  return `${tenantId}:${createHash('sha256').update(header).digest('base64url')}`;
}

/**
 * @module auth/authenticate
 * Who is calling. `/v1/*` takes a tenant key (`Authorization: Bearer` or `x-api-key`); `/admin/*`
 * takes the admin key from `TOLLGATE_ADMIN_KEY` (compared in constant time) or an operator key
 * whose role allows the action. Failures are 401 (no usable key) or 403 (a key that may not do
 * this), in the OpenAI error shape; a presented key is never echoed beyond its first characters.
 */
import { GatewayError } from '../errors/gateway-error.js';
import { presentedKey, secretsEqual } from './api-key.js';
import type { KeyDirectory as KeyStore, KeyRecord, TenantRecord } from './key-directory.js';

export interface TenantCaller {
  kind: 'tenant';
  key: KeyRecord;
  tenant: TenantRecord;
}

export interface OperatorCaller {
  kind: 'operator';
  /** Null for the admin key from the environment. */
  key: KeyRecord | null;
  role: 'finance' | 'admin';
}

export type Caller = TenantCaller | OperatorCaller;

function unauthorized(message: string, code: string): GatewayError {
  return new GatewayError(401, message, { type: 'invalid_request_error', code });
}

/** Resolves the presented key to a live key record, or throws 401. */
export function authenticateKey(store: KeyStore, rawKey: string | undefined, now = Date.now()): { key: KeyRecord; tenant: TenantRecord | undefined } {
  if (!rawKey) {
    throw unauthorized(
      "You didn't provide an API key. Send it as `Authorization: Bearer <key>` or in the `x-api-key` header.",
      'missing_api_key',
    );
  }
  const found = store.lookup(rawKey);
  const masked = `${rawKey.slice(0, 6)}...`;
  if (!found) throw unauthorized(`Incorrect API key provided: ${masked}`, 'invalid_api_key');
  if (found.key.revokedAt !== null) throw unauthorized(`The API key ${masked} has been revoked.`, 'revoked_api_key');
  if (found.key.expiresAt !== null && found.key.expiresAt <= now) throw unauthorized(`The API key ${masked} has expired.`, 'expired_api_key');
  return found;
}

export function authenticateTenant(store: KeyStore, headers: { authorization?: string; apiKey?: string }): TenantCaller {
  const { key, tenant } = authenticateKey(store, presentedKey(headers.authorization, headers.apiKey));
  if (key.role !== 'tenant' || !tenant) {
    throw new GatewayError(403, 'Operator keys belong to no tenant and cannot call models; use a tenant key.', {
      code: 'operator_key_not_allowed',
    });
  }
  return { kind: 'tenant', key, tenant };
}

export function authenticateOperator(
  store: KeyStore,
  adminKey: string | undefined,
  headers: { authorization?: string; apiKey?: string },
  access: 'read' | 'write',
): OperatorCaller {
  const rawKey = presentedKey(headers.authorization, headers.apiKey);
  if (rawKey && adminKey && secretsEqual(rawKey, adminKey)) return { kind: 'operator', key: null, role: 'admin' };
  const { key } = authenticateKey(store, rawKey);
  if (key.role === 'tenant') {
    throw new GatewayError(403, 'This key belongs to a tenant and cannot use the admin API.', { code: 'insufficient_role' });
  }
  if (key.role === 'finance' && access === 'write') {
    throw new GatewayError(403, 'Finance keys read reports and the call log; they cannot change anything.', { code: 'insufficient_role' });
  }
  return { kind: 'operator', key, role: key.role };
}

/** Whether the tenant's and the key's model scopes both allow `publicModel`. */
export function mayUseModel(caller: TenantCaller, publicModel: string): boolean {
  const tenantModels = caller.tenant.models;
  const keyModels = caller.key.scopes.models;
  return (!tenantModels || tenantModels.includes(publicModel)) && (!keyModels || keyModels.includes(publicModel));
}

/**
 * A model outside the tenant's or the key's scope is a 403 that says which of the two refused,
 * and what it allows, so the operator knows whether to change the tenant or the key.
 */
export function assertModelAllowed(caller: TenantCaller, publicModel: string): void {
  const tenantModels = caller.tenant.models;
  const keyModels = caller.key.scopes.models;
  let message: string | undefined;
  if (tenantModels && !tenantModels.includes(publicModel)) {
    message = `The tenant \`${caller.tenant.id}\` may not use the model \`${publicModel}\`; the tenant's models are: ${listOrNone(tenantModels)}.`;
  } else if (keyModels && !keyModels.includes(publicModel)) {
    message = `This API key (\`${caller.key.name}\`) may not use the model \`${publicModel}\`; the key is limited to: ${listOrNone(keyModels)}.`;
  }
  if (message) throw new GatewayError(403, message, { type: 'permission_error', param: 'model', code: 'model_not_allowed' });
}

function listOrNone(names: readonly string[]): string {
  return names.length > 0 ? names.join(', ') : 'none';
}

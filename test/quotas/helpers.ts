/**
 * @module test/quotas/helpers
 * What the quota suites share: the backend factory they are parameterised by, subjects with
 * unique ids (Redis keys outlive a test), and a way to catch the GatewayError a refusal throws.
 */
import { expect } from 'vitest';
import { GatewayError } from '../../src/errors/gateway-error.js';
import { QuotaService, type QuotaServiceOptions } from '../../src/quotas/quota-service.js';
import type { QuotaBackend, QuotaLimits, QuotaSubject } from '../../src/quotas/types.js';

export interface BackendHarness {
  /** A new backend. For a shared store (Redis), every call returns a new connection to the same counters. */
  create(): QuotaBackend;
  /** True when two `create()` results see the same counters (separate processes on one Redis). */
  shared: boolean;
}

export const defaultPolicy: QuotaServiceOptions = { failurePolicy: { rateLimits: 'failOpen', money: 'failClosed' } };

export function serviceOn(backend: QuotaBackend, options: Partial<QuotaServiceOptions> = {}): QuotaService {
  return new QuotaService(backend, { ...defaultPolicy, ...options });
}

let sequence = 0;

/** An id no other test (or earlier run on the same Redis) uses. */
export function uniqueId(label: string): string {
  sequence += 1;
  return `${label}-${process.pid}-${sequence}-${Math.random().toString(36).slice(2, 8)}`;
}

export function makeSubject(
  limits: { tenant?: QuotaLimits; key?: QuotaLimits } = {},
  timeZone = 'UTC',
): QuotaSubject {
  return {
    tenantId: uniqueId('tenant'),
    // Key ids can hold colons; the key layout must keep them from splitting a key's fields.
    keyId: uniqueId('cfg:key'),
    tenantLimits: limits.tenant ?? {},
    keyLimits: limits.key ?? {},
    timeZone,
  };
}

/** Awaits a promise expected to reject with a GatewayError, and returns it. */
export async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected the promise to reject').toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const at = (iso: string): number => Date.parse(iso);

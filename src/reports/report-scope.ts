/**
 * @module reports/report-scope
 * Who may see which tenant in reports: admin and finance operators see every tenant; a tenant key
 * sees only its own, and asking for another is a 403 rather than an empty answer (an empty report
 * would look like "no spend").
 */
import type { Caller } from '../auth/authenticate.js';
import { GatewayError } from '../errors/gateway-error.js';

/** The tenant filter to apply: the request's own for operators, the caller's tenant for a tenant key. */
export function scopedTenants(caller: Caller, requested: string[] | undefined): string[] | undefined {
  if (caller.kind === 'operator') return requested;
  const own = caller.tenant.id;
  if (requested?.some((tenant) => tenant !== own)) {
    throw new GatewayError(403, `This key belongs to tenant \`${own}\` and sees only that tenant's figures.`, {
      code: 'tenant_not_allowed',
      param: 'tenant',
    });
  }
  return [own];
}

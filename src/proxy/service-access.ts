/**
 * @module proxy/service-access
 * Who may call a REST service: the tenant's `services` and the key's `scopes.services` must both
 * allow it (absent means every service, as for models); a service with `access: subscription`
 * also needs the tenant's request approved — the prompt APIs' subscription flow and store, under
 * the name `service:<name>` (prompt names cannot contain a colon, so the two never collide).
 */
import type { TenantCaller } from '../auth/authenticate.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Subscriptions } from '../prompt-api/subscriptions.js';
import type { RestService } from './service-registry.js';

export function subscriptionName(service: string): string {
  return `service:${service}`;
}

export function inScope(caller: TenantCaller, service: string): boolean {
  const tenantServices = caller.tenant.services;
  const keyServices = caller.key.scopes.services;
  return (!tenantServices || tenantServices.includes(service)) && (!keyServices || keyServices.includes(service));
}

export function mayCallService(caller: TenantCaller, service: RestService, subscriptions: Subscriptions): boolean {
  return refusal(caller, service, subscriptions) === undefined;
}

export function assertMayCallService(caller: TenantCaller, service: RestService, subscriptions: Subscriptions): void {
  const error = refusal(caller, service, subscriptions);
  if (error) throw error;
}

function refusal(caller: TenantCaller, service: RestService, subscriptions: Subscriptions): GatewayError | undefined {
  const { name } = service;
  if (caller.tenant.services && !caller.tenant.services.includes(name)) {
    return forbidden(`The tenant \`${caller.tenant.id}\` may not use the service \`${name}\`.`, 'service_not_allowed');
  }
  if (caller.key.scopes.services && !caller.key.scopes.services.includes(name)) {
    return forbidden(`This API key (\`${caller.key.name}\`) may not use the service \`${name}\`.`, 'service_not_allowed');
  }
  if (service.config.access === 'open') return undefined;
  switch (subscriptions.status(subscriptionName(name), caller.tenant.id)) {
    case 'approved':
      return undefined;
    case 'pending':
      return forbidden(`Your tenant's request to use the service \`${name}\` is waiting for approval.`, 'subscription_pending');
    case 'rejected':
      return forbidden(`Your tenant's request to use the service \`${name}\` was rejected.`, 'subscription_rejected');
    default:
      return forbidden(`The service \`${name}\` needs approval. Ask for access with POST /v1/services/${name}/subscription.`, 'subscription_required');
  }
}

function forbidden(message: string, code: string): GatewayError {
  return new GatewayError(403, message, { type: 'permission_error', code });
}

/**
 * @module server/tenant-auth
 * Guards `/v1/*`: every call needs a live tenant key (401 otherwise; 403 for operator keys).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { authenticateTenant, type TenantCaller } from '../auth/authenticate.js';
import type { GatewayEnv } from './gateway-env.js';

export function requireTenant(): MiddlewareHandler<GatewayEnv> {
  return async function tenantAuth(context, next) {
    context.set(
      'caller',
      authenticateTenant(context.get('gateway').keyStore, {
        authorization: context.req.header('authorization'),
        apiKey: context.req.header('x-api-key'),
      }),
    );
    await next();
  };
}

/** The tenant caller set by `requireTenant`. */
export function tenantCaller(context: Context<GatewayEnv>): TenantCaller {
  const caller = context.get('caller');
  if (caller?.kind !== 'tenant') throw new Error('tenantCaller used on a route without requireTenant()');
  return caller;
}

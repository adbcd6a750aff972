/**
 * @module server/tenant-auth
 * Guards `/v1/*` and `/v1beta/*`: every call needs a live tenant key (401 otherwise; 403 for
 * operator keys). The key may come the way each protocol's SDK sends it — `Authorization: Bearer`
 * (OpenAI), `x-api-key` (Anthropic), `x-goog-api-key` or, where `queryKey` allows it, the `key`
 * query parameter (Google) — and is read here and nowhere else.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { authenticateTenant, type TenantCaller } from '../auth/authenticate.js';
import type { GatewayEnv } from './gateway-env.js';

export interface TenantAuthOptions {
  /** Accept `?key=` (Google's API-key parameter): only on the Gemini routes, whose SDK may send it. */
  queryKey?: boolean;
}

export function requireTenant(options: TenantAuthOptions = {}): MiddlewareHandler<GatewayEnv> {
  return async function tenantAuth(context, next) {
    const apiKey = context.req.header('x-api-key') ?? context.req.header('x-goog-api-key') ?? (options.queryKey ? context.req.query('key') : undefined);
    context.set(
      'caller',
      authenticateTenant(context.get('gateway').keyStore, {
        authorization: context.req.header('authorization'),
        apiKey,
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

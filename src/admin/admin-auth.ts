/**
 * @module admin/admin-auth
 * Guards `/admin/*`: reads (GET) need a finance or admin operator (or the admin key); everything
 * else needs admin. The caller is stored for the handlers.
 */
import type { MiddlewareHandler } from 'hono';
import { authenticateOperator } from '../auth/authenticate.js';
import type { GatewayEnv } from '../server/gateway-env.js';

export function requireOperator(): MiddlewareHandler<GatewayEnv> {
  return async function operatorAuth(context, next) {
    const { keyStore, adminKey } = context.var.gateway;
    const access = context.req.method === 'GET' || context.req.method === 'HEAD' ? 'read' : 'write';
    const caller = authenticateOperator(
      keyStore,
      adminKey,
      { authorization: context.req.header('authorization'), apiKey: context.req.header('x-api-key') },
      access,
    );
    context.set('caller', caller);
    await next();
  };
}

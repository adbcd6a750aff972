/**
 * @module admin/admin-auth
 * Guards `/admin/*`: reads (GET) need a finance or admin operator (or the admin key); everything
 * else needs admin. One exception: the prompt publishing routes also accept a tenant key that
 * carries the `prompts:publish` permission, for that tenant's own prompts (the handlers check
 * ownership). The caller is stored for the handlers.
 */
import type { MiddlewareHandler } from 'hono';
import { presentedKey, secretsEqual } from '../auth/api-key.js';
import { authenticateKey, authenticateOperator } from '../auth/authenticate.js';
import type { GatewayEnv } from '../server/gateway-env.js';

export const publishPermission = 'prompts:publish';

/** Routes a tenant key with `prompts:publish` may use: publishing, deprecating, subscriptions. */
const tenantPublisherRoutes = /^\/admin\/prompts(\/[^/]+\/(versions\/\d+\/deprecate|subscriptions(\/[^/]+\/(approve|reject))?))?$/;

export function requireOperator(): MiddlewareHandler<GatewayEnv> {
  return async function operatorAuth(context, next) {
    const { keyStore, adminKey } = context.get('gateway');
    const headers = { authorization: context.req.header('authorization'), apiKey: context.req.header('x-api-key') };
    const access = context.req.method === 'GET' || context.req.method === 'HEAD' ? 'read' : 'write';
    if (tenantPublisherRoutes.test(context.req.path)) {
      const rawKey = presentedKey(headers.authorization, headers.apiKey);
      const isAdminKey = rawKey !== undefined && adminKey !== undefined && secretsEqual(rawKey, adminKey);
      if (!isAdminKey) {
        const { key, tenant } = authenticateKey(keyStore, rawKey);
        if (key.role === 'tenant' && tenant && key.scopes.permissions?.includes(publishPermission)) {
          context.set('caller', { kind: 'tenant', key, tenant });
          await next();
          return;
        }
      }
    }
    context.set('caller', authenticateOperator(keyStore, adminKey, headers, access));
    await next();
  };
}

/**
 * @module admin/admin-auth
 * Guards `/admin/*`: reads (GET) need a finance or admin operator (or the admin key); everything
 * else needs admin. One exception: the prompt publishing routes also accept a tenant key that
 * carries the `prompts:publish` permission, for that tenant's own prompts (the handlers check
 * ownership). The caller is stored for the handlers.
 *
 * With neither `TOLLGATE_ADMIN_KEY` nor an operator key there is no one who could call the admin
 * API: every call is told so (403 `admin_api_disabled`, with how to turn it on) rather than
 * "Incorrect API key", which would send the operator looking for a typo.
 */
import type { MiddlewareHandler } from 'hono';
import { presentedKey, secretsEqual } from '../auth/api-key.js';
import { authenticateKey, authenticateOperator } from '../auth/authenticate.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { GatewayError } from '../errors/gateway-error.js';

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
    if (adminKey === undefined && !keyStore.hasActiveOperatorKey()) throw adminApiDisabled();
    context.set('caller', authenticateOperator(keyStore, adminKey, headers, access));
    await next();
  };
}

/** How to turn the admin API on; the same words as the warning `serve` logs at start-up. */
export const enableAdminApiHint =
  'set TOLLGATE_ADMIN_KEY to a secret of at least 16 characters and restart, or create an operator key with `tollgate keys create --operator admin --name NAME`';

function adminApiDisabled(): GatewayError {
  return new GatewayError(403, `The admin API is disabled: no admin key is configured. To enable it, ${enableAdminApiHint}.`, {
    type: 'permission_error',
    code: 'admin_api_disabled',
  });
}

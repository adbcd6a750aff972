/**
 * @module admin/admin-auth
 * Guards `/admin/*`: reads (GET) need a finance or admin operator (or the admin key); everything
 * else needs admin. One exception: the prompt publishing routes also accept a tenant key that
 * carries the `prompts:publish` permission, for that tenant's own prompts (the handlers check
 * ownership). Reports, budgets, alerts and the call log are also readable by a tenant key, for
 * its own tenant only (the handlers scope them, see reports/report-scope.ts). The caller is stored
 * for the handlers.
 *
 * With neither `TOLLGATE_ADMIN_KEY` nor an operator key there is no one who could call the admin
 * API: every call is told so (403 `admin_api_disabled`, with how to turn it on) rather than
 * "Incorrect API key", which would send the operator looking for a typo.
 */
import type { MiddlewareHandler } from 'hono';
import { presentedKey, secretsEqual } from '../auth/api-key.js';
import { authenticateKey, authenticateOperator } from '../auth/authenticate.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { presentsKey, sessionCaller } from '../dashboard/session-auth.js';

export const publishPermission = 'prompts:publish';

/** Routes a tenant key with `prompts:publish` may use: publishing, deprecating, subscriptions. */
const tenantPublisherRoutes = /^\/admin\/prompts(\/[^/]+\/(versions\/\d+\/deprecate|subscriptions(\/[^/]+\/(approve|reject))?))?$/;

/** Reads a tenant key may make, scoped to its own tenant by the handlers. */
const tenantReadableRoutes = /^\/admin\/(reports\/[a-z-]+|budgets|alerts|calls)$/;

export function requireOperator(): MiddlewareHandler<GatewayEnv> {
  return async function operatorAuth(context, next) {
    const { keyStore, adminKey } = context.get('gateway');
    const headers = { authorization: context.req.header('authorization'), apiKey: context.req.header('x-api-key') };
    const access = context.req.method === 'GET' || context.req.method === 'HEAD' ? 'read' : 'write';
    // A dashboard session (cookie) may read; a key header always takes precedence over it.
    const session = access === 'read' && !presentsKey(context) ? await sessionCaller(context) : undefined;
    if (session) {
      if (session.kind === 'tenant' && !tenantReadableRoutes.test(context.req.path)) {
        throw new GatewayError(403, 'A tenant session reads reports, budgets, alerts and calls of its own tenant only.', { code: 'insufficient_role' });
      }
      context.set('caller', session);
      await next();
      return;
    }
    if (access === 'read' && tenantReadableRoutes.test(context.req.path)) {
      const rawKey = presentedKey(headers.authorization, headers.apiKey);
      const isAdminKey = rawKey !== undefined && adminKey !== undefined && secretsEqual(rawKey, adminKey);
      const found = isAdminKey ? undefined : authenticateKey(keyStore, rawKey);
      if (found && found.key.role === 'tenant' && found.tenant) {
        context.set('caller', { kind: 'tenant', key: found.key, tenant: found.tenant });
        await next();
        return;
      }
    }
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

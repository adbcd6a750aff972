/**
 * @module budgets/budget-routes
 * `GET /admin/budgets?tenant=&key=`: every day and month budget (money and tokens) of the tenants
 * and keys the caller may see, soonest to run out first. A tenant key sees its own tenant's.
 */
import type { Hono } from 'hono';
import { GatewayError } from '../errors/gateway-error.js';
import { scopedTenants } from '../reports/report-scope.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { budgetsOf, byUrgency, type BudgetStatus } from './budget-status.js';

export function registerBudgetRoutes(app: Hono<GatewayEnv>): void {
  app.get('/admin/budgets', async (context) => {
    const { keyStore, ledgerReader } = context.get('gateway');
    const requested = context.req.queries('tenant');
    const tenants = scopedTenants(context.get('caller'), requested);
    const keyFilter = context.req.query('key');
    const records = tenants === undefined ? keyStore.listTenants() : tenants.map((id) => keyStore.tenant(id));
    // To the whole minute: a projection needs no more, and answers within a minute agree.
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const data: BudgetStatus[] = [];
    for (const [index, tenant] of records.entries()) {
      if (!tenant) throw new GatewayError(404, `No tenant \`${tenants![index]}\`.`, { code: 'tenant_not_found', param: 'tenant' });
      const keys = keyStore.listKeys(tenant.id).filter((key) => keyFilter === undefined || key.id === keyFilter);
      const statuses = await budgetsOf(ledgerReader, tenant, keys, now);
      data.push(...(keyFilter === undefined ? statuses : statuses.filter((status) => status.key === keyFilter)));
    }
    return context.json({ object: 'list', generated_at: new Date(now).toISOString(), data: data.sort(byUrgency) });
  });
}

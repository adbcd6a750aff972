/**
 * @module admin/ledger-routes
 * The call log (`GET /admin/calls`) and daily usage from the rollups (`GET /admin/usage`), for
 * operators: finance and admin roles, or the admin key. Both first wait for the ledger to write the
 * rows it holds, so the answer includes the calls that just ended.
 */
import type { Hono } from 'hono';
import { queryCalls, queryDailyUsage, type UsageDimension } from '../ledger/index.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { scopedTenants } from '../reports/report-scope.js';

export function registerLedgerRoutes(app: Hono<GatewayEnv>): void {
  // Rows are written in batches, off the request path: let what is queued land first, so a call
  // that just ended is in the answer (at most a second's wait).
  app.use('/admin/calls', async (context, next) => {
    await context.get('gateway').metering.ledger.written?.();
    await next();
  });
  app.use('/admin/usage', async (context, next) => {
    await context.get('gateway').metering.ledger.written?.();
    await next();
  });

  app.get('/admin/calls', async (context) => {
    const query = context.req.query();
    // A tenant key (allowed here for reads) sees its own tenant's calls only.
    const tenant = scopedTenants(context.get('caller'), query.tenant === undefined ? undefined : [query.tenant])?.[0];
    return context.json(
      await queryCalls(context.get('gateway').ledgerReader, {
        tenant,
        model: query.model,
        kind: query.kind,
        service: query.service,
        key: query.key,
        from: query.from,
        to: query.to,
        status: query.status,
        limit: query.limit,
        cursor: query.cursor,
      }),
    );
  });

  app.get('/admin/usage', async (context) => {
    const query = context.req.query();
    const groupBy = (query.group_by ?? 'day').split(',').filter(Boolean) as UsageDimension[];
    return context.json(
      await queryDailyUsage(context.get('gateway').ledgerReader, {
        tenant: query.tenant,
        key: query.key,
        model: query.model,
        from: query.from,
        to: query.to,
        groupBy,
      }),
    );
  });
}

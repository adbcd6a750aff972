/**
 * @module reports/report-routes
 * `GET /admin/reports/usage`: usage and cost from the hourly rollups, grouped by any of tenant,
 * key, model, provider, prompt, service, kind, end_user, tag and one of hour, day, week, month; in
 * JSON or streamed RFC 4180 CSV. `GET /admin/reports/trends`: request counts, error rates and
 * latency percentiles per model, provider, service and period. Admin and finance see every
 * tenant; a tenant key its own.
 */
import type { Context, Hono } from 'hono';
import type { GatewayEnv } from '../server/gateway-env.js';
import { parseReportQuery, type ReportQuery } from './report-params.js';
import { reportResponse } from './report-response.js';
import { scopedTenants } from './report-scope.js';
import { usageReport } from './usage-report.js';
import { trendsReport } from './trends-report.js';

/** The parsed query with the caller's tenant scope applied. */
export function scopedReportQuery(context: Context<GatewayEnv>): ReportQuery {
  const query = parseReportQuery((name) => context.req.queries(name) ?? [], context.req.header('accept'));
  const tenant = scopedTenants(context.get('caller'), query.filters.tenant);
  return { ...query, filters: { ...query.filters, tenant } };
}

export function registerReportRoutes(app: Hono<GatewayEnv>): void {
  app.get('/admin/reports/usage', async (context) => {
    const query = scopedReportQuery(context);
    return reportResponse(await usageReport(context.get('gateway').ledgerReader, query), query.format);
  });

  app.get('/admin/reports/trends', async (context) => {
    const query = scopedReportQuery(context);
    return reportResponse(await trendsReport(context.get('gateway').ledgerReader, query), query.format);
  });
}

/**
 * @module alerts/alert-routes
 * `GET /admin/alerts?tenant=&kind=&status=&from=&to=&limit=&cursor=`: the alerts raised, newest
 * first, with their delivery state. Admin and finance see all; a tenant key its own tenant's.
 */
import type { Hono } from 'hono';
import { badRequest } from '../errors/gateway-error.js';
import { decodeCursor, encodeCursor, parseInstant, parseLimit } from '../ledger/call-filters.js';
import { scopedTenants } from '../reports/report-scope.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { listAlerts, type AlertRow } from './alert-store.js';

const kinds = ['budget_threshold', 'spend_spike'];
const statuses = ['pending', 'delivered', 'failed', 'recorded'];

export function registerAlertRoutes(app: Hono<GatewayEnv>): void {
  app.get('/admin/alerts', async (context) => {
    const query = context.req.query();
    if (query.kind !== undefined && !kinds.includes(query.kind)) throw badRequest(`kind is one of ${kinds.join(', ')}`, 'kind');
    if (query.status !== undefined && !statuses.includes(query.status)) throw badRequest(`status is one of ${statuses.join(', ')}`, 'status');
    const limit = parseLimit(query.limit, 50, 500);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await listAlerts(context.get('gateway').controlSql, {
      tenant: scopedTenants(context.get('caller'), context.req.queries('tenant')),
      kind: query.kind,
      status: query.status,
      from: query.from === undefined ? undefined : parseInstant(query.from, 'from'),
      to: query.to === undefined ? undefined : parseInstant(query.to, 'to'),
      limit: limit + 1,
      before: cursor && { createdAt: cursor.time, id: cursor.id },
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return context.json({
      object: 'list',
      data: page.map(presentAlert),
      next_cursor: rows.length > limit && last ? encodeCursor({ time: last.created_at, id: last.id }) : null,
    });
  });
}

function presentAlert(row: AlertRow) {
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  return {
    id: row.id,
    kind: row.kind,
    tenant: row.tenant_id,
    key: row.key_id,
    created_at: new Date(row.created_at).toISOString(),
    message: payload.message ?? null,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' && row.next_attempt_at !== null ? new Date(row.next_attempt_at).toISOString() : null,
    delivered_at: row.delivered_at === null ? null : new Date(row.delivered_at).toISOString(),
    last_error: row.last_error,
    payload,
  };
}

/**
 * @module audit/audit-routes
 * `GET /admin/audit`: the audit trail, newest first, filtered by `action`, `actor`, `target_type`,
 * `target`, `from` and `to` (ISO dates or instants), paged with `limit` and `cursor`. Admins only:
 * finance keys read reports, not the security record.
 */
import type { Hono } from 'hono';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayEnv } from '../server/gateway-env.js';

const defaultLimit = 100;
const maxLimit = 1_000;

export function registerAuditRoutes(app: Hono<GatewayEnv>): void {
  app.get('/admin/audit', async (context) => {
    const caller = context.get('caller');
    if (caller?.kind !== 'operator' || caller.role !== 'admin') {
      throw new GatewayError(403, 'The audit trail is for admins.', { code: 'insufficient_role' });
    }
    const query = context.req.query();
    const trail = context.get('gateway').audit;
    if (!trail) throw new GatewayError(404, 'No audit trail is kept here.', { code: 'not_found' });
    return context.json(
      await trail.query({
        action: query.action || undefined,
        actor: query.actor || undefined,
        targetType: query.target_type || undefined,
        target: query.target || undefined,
        from: time(query.from, 'from'),
        to: time(query.to, 'to'),
        limit: limit(query.limit),
        cursor: query.cursor === undefined ? undefined : positiveInteger(query.cursor, 'cursor'),
      }),
    );
  });
}

function time(value: string | undefined, param: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new GatewayError(400, `\`${param}\` must be an ISO 8601 date or instant.`, { param, code: 'invalid_request' });
  return parsed;
}

function limit(value: string | undefined): number {
  if (value === undefined) return defaultLimit;
  return Math.min(positiveInteger(value, 'limit'), maxLimit);
}

function positiveInteger(value: string, param: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new GatewayError(400, `\`${param}\` must be a positive integer.`, { param, code: 'invalid_request' });
  return number;
}

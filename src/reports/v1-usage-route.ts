/**
 * @module reports/v1-usage-route
 * `GET /v1/usage` for a tenant key: its tenant's and its own spend today and this month (calendar
 * periods in the tenant's zone, from the ledger's rollups), and every quota window of the tenant
 * and the key with its limit, what is used (live counters, calls in flight included) and what
 * remains. Money is exact decimal USD strings.
 */
import type { Hono } from 'hono';
import { formatNanoUsd } from '../metering/decimal.js';
import { dayWindow, monthWindow } from '../quotas/windows.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { tenantCaller } from '../server/tenant-auth.js';
import { spendTotals } from './spend-totals.js';
import { ceilToHour } from './time-buckets.js';

export function registerUsageRoute(app: Hono<GatewayEnv>): void {
  app.get('/v1/usage', async (context) => {
    const caller = tenantCaller(context);
    const { ledgerReader, metering } = context.get('gateway');
    const now = Date.now();
    const zone = caller.tenant.timeZone;
    const periods = { today: dayWindow(now, zone), this_month: monthWindow(now, zone) };
    const spend = async (key?: string) =>
      Object.fromEntries(
        await Promise.all(
          Object.entries(periods).map(async ([name, window]) => [
            name,
            {
              from: new Date(window.startMs).toISOString(),
              to: new Date(window.endMs).toISOString(),
              ...(await spendTotals(ledgerReader, { tenant: caller.tenant.id, key, from: ceilToHour(window.startMs), to: ceilToHour(now + 1) })),
            },
          ]),
        ),
      );
    const windows = await metering.quotas.windows(metering.quotaSubject(caller), now);
    return context.json({
      object: 'usage',
      tenant: caller.tenant.id,
      key: caller.key.id,
      time_zone: zone,
      spend: await spend(),
      key_spend: await spend(caller.key.id),
      quotas: windows.map((window) => {
        const money = window.metric === 'cost';
        const amount = (value: number) => (money ? formatNanoUsd(value) : value);
        return {
          scope: window.scope,
          metric: { cost: 'cost_usd', tok: 'tokens', req: 'requests', conc: 'concurrent_requests' }[window.metric],
          window: window.window,
          window_id: window.windowId,
          resets_at: window.window === 'concurrency' ? null : new Date(window.endMs).toISOString(),
          limit: amount(window.limit),
          used: amount(window.used),
          remaining: amount(window.remaining),
        };
      }),
    });
  });
}

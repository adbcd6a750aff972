/**
 * @module reports/register-finance-routes
 * The finance routes outside `/admin`: `GET /v1/usage` (a tenant key's own spend and quotas) and
 * the dashboard (`/dashboard`). Registered after the `/v1/*` tenant guard.
 */
import type { Hono } from 'hono';
import type { GatewayEnv } from '../server/gateway-env.js';
import { registerUsageRoute } from './v1-usage-route.js';
import { registerDashboardRoutes } from '../dashboard/dashboard-routes.js';

export function registerFinanceRoutes(app: Hono<GatewayEnv>): void {
  registerUsageRoute(app);
  registerDashboardRoutes(app);
}

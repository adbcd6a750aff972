/**
 * @module admin/register-admin-routes
 * Everything under `/admin`, behind operator authentication.
 */
import type { Hono } from 'hono';
import type { GatewayEnv } from '../server/gateway-env.js';
import { requireOperator } from './admin-auth.js';
import { registerPromptAdminRoutes } from '../prompt-api/prompt-admin-routes.js';
import { registerLedgerRoutes } from './ledger-routes.js';
import { registerTenantRoutes } from './tenant-routes.js';
import { auditChanges } from '../audit/audit-changes.js';
import { registerAuditRoutes } from '../audit/audit-routes.js';
import { registerReportRoutes } from '../reports/report-routes.js';
import { registerBudgetRoutes } from '../budgets/budget-routes.js';
import { registerAlertRoutes } from '../alerts/alert-routes.js';
import { registerCacheRoutes } from '../cache/cache-routes.js';

export function registerAdminRoutes(app: Hono<GatewayEnv>): void {
  app.use('/admin/*', requireOperator());
  app.use('/admin/*', auditChanges());
  registerAuditRoutes(app);
  registerTenantRoutes(app);
  registerLedgerRoutes(app);
  registerPromptAdminRoutes(app);
  registerReportRoutes(app);
  registerBudgetRoutes(app);
  registerAlertRoutes(app);
  registerCacheRoutes(app);
}

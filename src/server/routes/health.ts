/**
 * @module server/routes/health
 * `/healthz`: the process is alive. `/readyz`: it accepts traffic and its dependencies work — 503
 * while starting, once shutdown has begun (so a load balancer drains it before the process
 * exits), and while a configured dependency is down, with one entry per dependency saying which
 * (observability/health/readiness.ts).
 */
import type { Hono } from 'hono';
import type { GatewayEnv } from '../gateway-env.js';

export function registerHealth(app: Hono<GatewayEnv>): void {
  app.get('/healthz', (context) => context.json({ status: 'ok' }));
  app.get('/readyz', async (context) => {
    const services = context.get('gateway');
    if (!services.readiness) {
      const ready = services.lifecycle.ready;
      return context.json({ status: ready ? 'ready' : 'draining', checks: {} }, ready ? 200 : 503);
    }
    const report = await services.readiness.report();
    return context.json(report, report.status === 'ready' ? 200 : 503);
  });
}

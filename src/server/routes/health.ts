/**
 * @module server/routes/health
 * `/healthz`: the process is alive. `/readyz`: it accepts traffic — false while starting and once
 * shutdown has begun, so a load balancer drains it before the process exits.
 */
import type { Hono } from 'hono';
import type { GatewayEnv } from '../gateway-env.js';

export function registerHealth(app: Hono<GatewayEnv>): void {
  app.get('/healthz', (context) => context.json({ status: 'ok' }));
  app.get('/readyz', (context) => {
    const ready = context.get('gateway').lifecycle.ready;
    return context.json({ status: ready ? 'ready' : 'draining' }, ready ? 200 : 503);
  });
}

/**
 * @module server/routes/health
 * `/healthz`: the process is alive. `/readyz`: it accepts traffic — false while starting and once
 * shutdown has begun, so a load balancer drains it before the process exits. With Redis
 * configured, `/readyz` also says whether Redis answers (`"redis": "ok"` or why not); the status
 * stays 200, since the gateway still serves under `redis.onUnavailable`, but a health check sees it.
 */
import type { Hono } from 'hono';
import type { GatewayEnv } from '../gateway-env.js';

export function registerHealth(app: Hono<GatewayEnv>): void {
  app.get('/healthz', (context) => context.json({ status: 'ok' }));
  app.get('/readyz', (context) => {
    const services = context.get('gateway');
    const ready = services.lifecycle.ready;
    const redis = services.config.redis ? services.metering.quotas.health() : undefined;
    const body = { status: ready ? 'ready' : 'draining', ...(redis ? { redis: redis.detail } : {}) };
    return context.json(body, ready ? 200 : 503);
  });
}

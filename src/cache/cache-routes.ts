/**
 * @module cache/cache-routes
 * `GET /admin/cache`: where the cache lives, what it holds (in process), and this process's hit
 * ratio per model (chat answers) and per service (REST GET answers). Any operator may read it.
 */
import type { Hono } from 'hono';
import type { GatewayEnv } from '../server/gateway-env.js';

export function registerCacheRoutes(app: Hono<GatewayEnv>): void {
  app.get('/admin/cache', (context) => {
    const { chat } = context.get('gateway').cache;
    const size = chat.store.size?.();
    return context.json({
      backend: chat.store.backend,
      enabled: chat.config.enabled,
      ttl_seconds: chat.config.ttlSeconds,
      entries: size?.entries ?? null,
      bytes: size?.bytes ?? null,
      max_bytes: chat.store.backend === 'memory' ? chat.config.maxBytes : null,
      ...snakeCased(chat.stats.report()),
    });
  });
}

function snakeCased(report: ReturnType<GatewayEnv['Variables']['gateway']['cache']['chat']['stats']['report']>) {
  const row = ({ name, hits, misses, hitRatio }: (typeof report.models)[number]) => ({ name, hits, misses, hit_ratio: hitRatio });
  return { models: report.models.map(row), services: report.services.map(row) };
}

/**
 * @module observability/metrics/metrics-endpoint
 * `GET /metrics` (or the configured path) in the Prometheus text format: on the gateway's own
 * port unless `metrics.port` gives the metrics a listener of their own (metrics-listener.ts). In
 * a cluster worker the answer is the whole process group's, aggregated by the primary.
 */
import cluster from 'node:cluster';
import type { Hono } from 'hono';
import { prometheusContentType } from 'prom-client';
import type { GatewayEnv } from '../../server/gateway-env.js';
import type { Observability } from '../observability.js';
import { scrapeThroughPrimary } from './cluster-metrics.js';

export function registerMetricsRoute(app: Hono<GatewayEnv>, observability: Observability): void {
  const { metrics } = observability.config;
  if (!metrics.enabled || metrics.port !== undefined) return;
  app.get(metrics.path, async () => new Response(await scrape(observability), { headers: { 'content-type': prometheusContentType } }));
}

/** This process's metrics, or the process group's in a cluster worker. */
export function scrape(observability: Observability): Promise<string> {
  return cluster.isWorker && process.send ? scrapeThroughPrimary() : observability.metricsText();
}

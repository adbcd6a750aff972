/**
 * @module observability/metrics/metrics-listener
 * The metrics on a port of their own (`metrics.port`, `metrics.host`), so Prometheus can reach
 * them on an internal interface while the gateway's port faces clients. A bare `node:http`
 * server: it answers `GET <metrics.path>` and nothing else. Under `serve --workers N` the primary
 * runs it and answers with the process group's aggregate.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prometheusContentType } from 'prom-client';
import type { MetricsConfig } from '../../../schemas/observability-config.js';
import { logger } from '../../logging/logger.js';

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

export async function startMetricsListener(config: MetricsConfig, scrape: () => Promise<string>): Promise<MetricsListener> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== config.path) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    scrape().then(
      (text) => response.writeHead(200, { 'content-type': prometheusContentType }).end(text),
      (error: unknown) => {
        logger.warn('metrics scrape failed', { error: String(error) });
        response.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}${config.path}`;
  logger.info('metrics listening', { url });
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

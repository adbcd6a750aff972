/**
 * @module test/helpers/webhook-receiver
 * A local HTTP server standing in for an alert webhook: records every delivery (headers and exact
 * body) and answers with the statuses a test scripts, e.g. two 503s and then 200s.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(statuses: (attempt: number) => number = () => 200): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = statuses(deliveries.length + 1);
      deliveries.push({ at: Date.now(), headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/tollgate`,
    deliveries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

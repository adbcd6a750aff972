/**
 * @module observability/metrics/cluster-metrics
 * One scrape for the whole process group under `serve --workers N`. Each worker's registry is
 * handed to prom-client's cluster support (`AggregatorRegistry.setRegistries`), which answers the
 * primary's requests over the cluster's IPC channel; the primary aggregates them
 * (`clusterMetrics()`: counters and histograms summed, each gauge by its aggregator). A worker
 * that receives a scrape on the shared port asks the primary for the aggregate, over the same
 * channel.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

interface MetricsRequest {
  kind: 'tollgate-metrics-request';
  id: number;
}

interface MetricsReply {
  kind: 'tollgate-metrics-reply';
  id: number;
  text?: string;
  error?: string;
}

const replyTimeoutMs = 10_000;

/** In a worker: lets the primary collect this registry (constructing one adds prom-client's IPC listener). */
export function shareWithPrimary(registry: Registry): void {
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}

/** In the primary: answers workers that ask for the aggregate; returns a function that scrapes it. */
export function servePrimaryAggregate(): () => Promise<string> {
  const aggregator = new AggregatorRegistry();
  const scrape = () => aggregator.clusterMetrics();
  cluster.on('message', (worker, message: MetricsRequest) => {
    if (message?.kind !== 'tollgate-metrics-request') return;
    scrape().then(
      (text) => worker.isConnected() && worker.send({ kind: 'tollgate-metrics-reply', id: message.id, text } satisfies MetricsReply),
      (error: unknown) => worker.isConnected() && worker.send({ kind: 'tollgate-metrics-reply', id: message.id, error: String(error) } satisfies MetricsReply),
    );
  });
  return scrape;
}

let nextId = 1;

/** In a worker: the whole group's metrics, from the primary. */
export function scrapeThroughPrimary(): Promise<string> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (message: MetricsReply) => {
      if (message?.kind !== 'tollgate-metrics-reply' || message.id !== id) return;
      finish();
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(message.error ?? 'no metrics from the primary'));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error('the primary did not answer with the metrics in time'));
    }, replyTimeoutMs);
    const finish = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    process.send!({ kind: 'tollgate-metrics-request', id } satisfies MetricsRequest);
  });
}

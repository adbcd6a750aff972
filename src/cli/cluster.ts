/**
 * @module cli/cluster
 * `tollgate serve --workers N`: one primary process and N workers (node:cluster) sharing the
 * listening port. The primary migrates the database and syncs the configuration once, then owns
 * the quota counters when there is no Redis (workers reach them over IPC, so quotas stay exact),
 * restarts a worker that dies, and on SIGTERM/SIGINT stops every worker gracefully and exits 0
 * once they have all flushed their ledgers.
 */
import cluster, { type Worker } from 'node:cluster';
import type { TollgateConfig } from '../../schemas/config.js';
import { KeyStore } from '../auth/key-store.js';
import { PgKeyStore } from '../auth/pg-key-store.js';
import { openConfiguredPostgres } from '../ledger/open-ledger.js';
import { logger } from '../logging/logger.js';
import { MemoryQuotaBackend, serveQuotaIpc } from '../quotas/index.js';
import { openDatabase } from '../storage/database.js';
import { withGatewayFlags } from './runtime-flags.js';
import { servePrimaryAggregate } from '../observability/metrics/cluster-metrics.js';
import { startMetricsListener } from '../observability/metrics/metrics-listener.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { postgresAuditStore } from '../audit/audit-store.js';
import { auditConfigSync } from '../audit/audit-config.js';

export interface ListeningMessage {
  kind: 'tollgate-listening';
  url: string;
}

export async function runPrimary(config: TollgateConfig, workerCount: number, configPath: string): Promise<void> {
  const database = openDatabase(config.storage.sqlite);
  if (config.storage.postgres === undefined) {
    new KeyStore(database).syncFromConfig(config);
    const audit = new AuditTrail(database);
    auditConfigSync(audit, config);
    audit.close();
  } else {
    const postgres = await openConfiguredPostgres(config.storage.postgres);
    try {
      await (await PgKeyStore.open(postgres)).syncFromConfig(config);
      const audit = new AuditTrail(postgresAuditStore(postgres));
      auditConfigSync(audit, config);
      audit.close();
      await audit.settled();
    } finally {
      await postgres.$client.end();
    }
  }
  database.$client.close();
  const sharedQuotas = config.redis ? undefined : new MemoryQuotaBackend();
  // One scrape returns every worker's metrics, aggregated here (observability/metrics/cluster-metrics.ts).
  const scrapeAll = config.metrics.enabled ? servePrimaryAggregate() : undefined;
  if (scrapeAll && config.metrics.port !== undefined) {
    startMetricsListener(config.metrics, scrapeAll).catch((error: unknown) => logger.error('metrics listener failed to start', { error: String(error) }));
  }
  // Workers get the gateway's V8 settings even when the primary was started without them.
  cluster.setupPrimary({ execArgv: withGatewayFlags() });

  let stopping = false;
  const listening = new Set<number>();
  // Each worker has a fixed slot, handed to its replacement: per-process files (the PostgreSQL
  // ledger's spool) are named by it, so a replacement picks up what its predecessor left.
  const slots = new Map<number, number>();
  const fork = (slot: number): Worker => {
    const worker = cluster.fork({ TOLLGATE_WORKER_SLOT: String(slot) });
    slots.set(worker.id, slot);
    if (sharedQuotas) serveQuotaIpc(worker, sharedQuotas);
    worker.on('message', (message: ListeningMessage) => {
      if (message?.kind !== 'tollgate-listening') return;
      listening.add(worker.id);
      if (listening.size === workerCount) {
        logger.info('tollgate listening', { url: message.url, config: configPath, workers: workerCount, pid: process.pid });
      }
    });
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('stopped', { workers: workerCount });
        process.exit(0);
      }
      return;
    }
    logger.error('worker exited; starting a replacement', { pid: worker.process.pid, code, signal });
    fork(slots.get(worker.id) ?? 0);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, workers: workerCount });
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let index = 0; index < workerCount; index++) fork(index);
}

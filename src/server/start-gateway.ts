/**
 * @module server/start-gateway
 * Creates the providers, the app and the HTTP server, and owns graceful shutdown: stop accepting,
 * let in-flight requests (streams included) finish up to `server.shutdownGraceMs`, then release
 * upstream connections.
 */
import cluster from 'node:cluster';
import { Server as NetServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { TollgateConfig } from '../../schemas/config.js';
import { createProvider } from '../../providers/create-provider.js';
import type { ProviderAdapter } from '../../providers/types.js';
import { logger, registerSecret } from '../logging/logger.js';
import { KeyStore } from '../auth/key-store.js';
import { PgKeyStore } from '../auth/pg-key-store.js';
import { PgChangeWatch, readPgChanges } from '../storage/pg/pg-change-counters.js';
import { postgresControlSql, sqliteControlSql } from '../storage/control-sql.js';
import { resolveAdminKey, warnIfAdminApiDisabled } from '../admin/admin-key.js';
import { subjectFactory, type MeteringServices } from '../calls/metering-services.js';
import { OpenCalls } from '../calls/open-calls.js';
import { CallOutcomes } from '../calls/call-outcomes.js';
import { createIdempotencyGate } from '../idempotency/index.js';
import { createCaches } from '../cache/index.js';
import { ManagedRedisConnection } from '../redis/managed-connection.js';
import { startRetention } from '../ledger/index.js';
import { openConfiguredPostgres, openLedger } from '../ledger/open-ledger.js';
import { costNanoUsd, formatNanoUsd, InMemoryPriceBook, tokenCounterThread, worstCaseCostNanoUsd } from '../metering/index.js';
import { unknownModelProblem } from '../models/known-models.js';
import { ModelRegistry } from '../models/model-registry.js';
import { configuredPrices } from '../models/model-group.js';
import { AlertService } from '../alerts/alert-service.js';
import { startCoordination } from '../coordination/coordination.js';
import { closeReadConnections } from '../storage/read-connection.js';
import { Subscriptions } from '../prompt-api/subscriptions.js';
import { PromptLibrary } from '../prompts/prompt-library.js';
import { createQuotaBackend, createQuotaService, quotaLimitsFromConfig, type QuotaBackend } from '../quotas/index.js';
import { Observability, type ObservabilityOptions } from '../observability/observability.js';
import { registerConfiguredKeys, timedDatabaseWork, timedQuotaBackend } from '../observability/wiring.js';
import { startMetricsListener, type MetricsListener } from '../observability/metrics/metrics-listener.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { postgresAuditStore } from '../audit/audit-store.js';
import { auditConfigSync, auditPromptReloads } from '../audit/audit-config.js';
import { Readiness } from '../observability/health/readiness.js';
import { describeRedisTarget, redisPassword, redisTargetUrls } from '../redis/redis-url.js';
import { ServiceRegistry } from '../proxy/service-registry.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { createApp } from './app.js';
import { ConnectionTracker } from './connection-tracker.js';
import { startEventLoopWatchdog } from './event-loop-watchdog.js';
import { createHttpServer } from './http-server.js';
import type { GatewayServices } from './gateway-env.js';

export interface RunningGateway {
  url: string;
  port: number;
  /** The metrics URL when `metrics.port` gives them a listener of their own. */
  metricsUrl?: string;
  services: GatewayServices;
  close(): Promise<void>;
}

export interface StartOptions {
  port?: number;
  host?: string;
  /** The admin API key; defaults to the TOLLGATE_ADMIN_KEY environment variable. */
  adminKey?: string;
  /** Where quota counters live; by default Redis when configured, else in process. */
  quotaBackend?: QuotaBackend;
  /** Rewrite tenants and keys from the configuration file (false in cluster workers: the primary did). */
  syncConfig?: boolean;
  /** Tracing to use instead of the `OTEL_*` environment variables (tests). */
  tracing?: ObservabilityOptions['tracing'];
}

export interface GatewayResources {
  services: GatewayServices;
  providers: Map<string, ProviderAdapter>;
  /** Stops timers and flushes and closes everything, in dependency order. */
  close(): Promise<void>;
}

export async function createServices(config: TollgateConfig, options: Omit<StartOptions, 'port' | 'host'> = {}): Promise<GatewayResources> {
  const adminKey = resolveAdminKey(options.adminKey);
  registerSecret(adminKey);
  const providers = new Map<string, ProviderAdapter>();
  for (const [name, providerConfig] of Object.entries(config.providers)) {
    providers.set(name, await createProvider(name, providerConfig, config.upstream));
  }
  registerConfiguredKeys(config);
  const observability = new Observability(config, { tracing: options.tracing });
  observability.instrument(providers);
  const database = openDatabase(config.storage.sqlite);
  // With PostgreSQL the control plane (tenants, keys, prices, prompts...) is shared there too.
  const sharedDatabase = config.storage.postgres === undefined ? undefined : await openConfiguredPostgres(config.storage.postgres);
  // Read before the stores load: a change made meanwhile is re-read at the first check.
  const loadedVersions = sharedDatabase && (await readPgChanges(sharedDatabase));
  const keyStore = sharedDatabase ? await PgKeyStore.open(sharedDatabase) : new KeyStore(database);
  const controlSql = sharedDatabase ? postgresControlSql(sharedDatabase) : sqliteControlSql(database.$client);
  const audit = new AuditTrail(sharedDatabase ? postgresAuditStore(sharedDatabase) : database);
  if (options.syncConfig !== false) {
    await keyStore.syncFromConfig(config);
    auditConfigSync(audit, config);
  }
  const prices = new InMemoryPriceBook({ ...(sharedDatabase ? { postgres: sharedDatabase } : { database }), models: configuredPrices(config.models) });
  await prices.reload();
  const quotaBackend = options.quotaBackend ?? (await createQuotaBackend(config.redis));
  const quotas = await createQuotaService(config.redis, timedQuotaBackend(quotaBackend, config, observability));
  if (config.redis) await reportRedis(config.redis, quotas);
  const onFlush = observability.operations?.ledgerFlushed;
  const { ledger, ledgerReader, postgres, retention } = await openLedger(config, database, onFlush, sharedDatabase);
  observability.operations?.watchLedger(ledger);
  warnIfAdminApiDisabled(adminKey, keyStore);
  const openCalls = new OpenCalls();
  // Idempotency records (and the response cache) get a Redis connection of their own: a large
  // answer being written must never queue in front of a quota reservation.
  const stateRedis = config.redis ? new ManagedRedisConnection({ target: config.redis, purpose: 'idempotency and cache', commandTimeoutMs: 2 * config.redis.commandTimeoutMs }) : undefined;
  const sharedState = stateRedis && { connection: stateRedis, keyPrefix: config.redis!.keyPrefix };
  const idempotency = createIdempotencyGate(config.idempotency, sharedState);
  const cache = createCaches(config.cache, config.models, sharedState);
  const metering: MeteringServices = {
    openCalls,
    prices,
    quotas,
    ledger,
    quotaSubject: subjectFactory(quotaLimitsFromConfig),
    cost: costNanoUsd,
    worstCaseCost: worstCaseCostNanoUsd,
    formatUsd: formatNanoUsd,
    observe: observability,
    outcomes: new CallOutcomes(),
  };
  const library = new PromptLibrary({ ...(sharedDatabase ? { postgres: sharedDatabase } : { database }), modelProblem: (model) => unknownModelProblem(config, model) });
  if (config.prompts.watch) library.watch(config.prompts.folder);
  else library.loadFiles(config.prompts.folder);
  await library.reloadDatabase();
  auditPromptReloads(audit, library);
  const subscriptions = sharedDatabase ? await Subscriptions.openPostgres(sharedDatabase) : new Subscriptions(database);
  registerSecret(config.alerts.webhook?.secret);
  // Other instances' changes: at once by notice (with Redis), and by the periodic check below.
  const reloaders = {
    keys: async () => keyStore.reload(),
    prices: async () => prices.reload(),
    prompts: async () => library.reloadDatabase(),
    subscriptions: async () => subscriptions.reload(),
  };
  const coordination = await startCoordination(config, reloaders);
  // Once per cluster: on the instance holding the job's lease (here, without Redis).
  coordination.jobs.run('alerts', () => {
    const alerts = new AlertService({ records: controlSql, ledger: ledgerReader, keyStore, config: config.alerts });
    alerts.start();
    return { stop: () => alerts.close() };
  });
  const retentionDays = config.storage.retentionDays;
  // PostgreSQL drops whole months (started with its ledger); SQLite deletes rows, under the lease.
  if (retentionDays && !postgres) coordination.jobs.run('retention', (lease) => startRetention(database, retentionDays, { held: lease.held }));
  // PostgreSQL: the change counters, polled. SQLite: the key store also checks on every lookup
  // (cheap there); the timer covers the rest.
  const refresher =
    sharedDatabase && loadedVersions
      ? new PgChangeWatch(sharedDatabase, reloaders, loadedVersions)
      : startRefresher(database, observability, [() => (keyStore as KeyStore).refreshIfChanged(), () => subscriptions.refreshIfChanged(), () => library.reloadDatabase()], prices);
  const models = new ModelRegistry(config, providers, observability);
  const proxy = new ServiceRegistry(config.services, observability);
  const services: GatewayServices = {
    config,
    models,
    lifecycle: { ready: false },
    database,
    postgres: sharedDatabase,
    controlSql,
    ledgerReader,
    keyStore,
    metering,
    prompts: { library, subscriptions },
    proxy,
    adminKey,
    observability,
    audit,
    idempotency,
    cache,
  };
  services.readiness = new Readiness({
    config,
    database,
    postgres,
    redis: 'ping' in quotaBackend ? (quotaBackend as { ping(): Promise<void> }) : undefined,
    ledger,
    observability,
    lifecycle: services.lifecycle,
  });
  const close = async () => {
    if (refresher instanceof PgChangeWatch) await refresher.close();
    else clearInterval(refresher);
    models.close();
    library.close();
    await coordination.close();
    // Calls whose clients left during the drain may still be finishing (their upstream request,
    // a token estimate): wait for their ledger rows, then flush.
    if (!(await openCalls.settled(config.server.shutdownGraceMs))) {
      logger.warn('shutting down with calls still open', { open: openCalls.size });
    }
    await ledger.close();
    await tokenCounterThread.close();
    await quotas.close();
    await stateRedis?.close();
    audit.close();
    await audit.settled();
    await Promise.allSettled([...providers.values()].map((provider) => provider.close?.()));
    await proxy.close();
    closeReadConnections(config.storage.sqlite);
    database.$client.close();
    await postgres?.$client.end();
    await observability.close();
  };
  return { services, providers, close };
}

/** Says at start-up when the configured Redis does not answer (URLs without their passwords). */
async function reportRedis(redis: NonNullable<TollgateConfig['redis']>, quotas: { probe(): Promise<string | undefined> }): Promise<void> {
  for (const url of redisTargetUrls(redis)) registerSecret(redisPassword(url));
  const problem = await quotas.probe();
  if (problem === undefined) return;
  logger.warn('Redis is configured but unreachable: quotas follow redis.onUnavailable until it answers (see /readyz)', {
    url: describeRedisTarget(redis),
    error: problem,
    onUnavailable: redis.onUnavailable,
  });
}

/**
 * Picks up what another process (the CLI, another gateway) changed — tenants and keys, subscriptions,
 * published prompts, prices — once a second, off the request path: each check is a cheap query (a
 * change counter, a table fingerprint), and a reload happens only when something changed. With
 * Redis, change notices bring most changes sooner; this check is what catches a notice that was lost.
 */
function startRefresher(database: TollgateDatabase, observability: Observability, refreshers: Array<() => unknown>, prices: InMemoryPriceBook): NodeJS.Timeout {
  const priceFingerprint = database.$client.prepare('select count(*) || \':\' || coalesce(max(created_at), 0) as fingerprint from prices');
  let lastPrices = (priceFingerprint.get() as { fingerprint: string }).fingerprint;
  const timer = setInterval(() => {
    try {
      timedDatabaseWork(observability, 'refresh', () => {
        for (const refresh of refreshers) refresh();
        const current = (priceFingerprint.get() as { fingerprint: string }).fingerprint;
        if (current !== lastPrices) {
          lastPrices = current;
          prices.reload();
        }
      });
    } catch (error) {
      logger.warn('refreshing from the database failed', { error: String(error) });
    }
  }, 1_000);
  timer.unref();
  return timer;
}

export async function startGateway(config: TollgateConfig, options: StartOptions = {}): Promise<RunningGateway> {
  const resources = await createServices(config, options);
  const { services } = resources;
  const app = createApp(services);
  const port = options.port ?? config.server.port;
  const host = options.host ?? config.server.host;
  const httpServer = createHttpServer(app.fetch, { hostname: host, bodyTimeoutMs: config.server.bodyTimeoutMs });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const connections = new ConnectionTracker(httpServer, Math.min(idleQuietMs, config.server.shutdownGraceMs));
  httpServer.keepAliveTimeout = 65_000;
  // Under `serve --workers N` the primary serves a separate metrics port (cli/cluster.ts).
  let metricsListener: MetricsListener | undefined;
  if (config.metrics.enabled && config.metrics.port !== undefined && !cluster.isWorker) {
    metricsListener = await startMetricsListener(config.metrics, () => services.observability.metricsText());
  }
  const watchdog = startEventLoopWatchdog();
  services.lifecycle.ready = true;
  const actualPort = (httpServer.address() as AddressInfo).port;
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      services.lifecycle.ready = false;
      services.lifecycle.draining = true;
      await drain(httpServer, connections, config.server.shutdownGraceMs);
      watchdog.stop();
      await resources.close();
      await metricsListener?.close();
    })());

  return { url: `http://${displayHost}:${actualPort}`, port: actualPort, metricsUrl: metricsListener?.url, services, close };
}

/** How long a keep-alive socket must have been idle before shutdown closes it (see connection-tracker.ts). */
const idleQuietMs = 500;

/**
 * Stops accepting connections and waits for open requests, forcing them closed after `graceMs`.
 * Responses from now on say `Connection: close`; keep-alive sockets close once their last
 * response is out and they have been quiet a moment (see `ConnectionTracker`).
 */
function drain(server: Server, connections: ConnectionTracker, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => {
      logger.warn('shutdown grace period over; closing remaining connections', { graceMs });
      server.closeAllConnections();
    }, graceMs);
    deadline.unref();
    // `net.Server`'s close, not `http.Server`'s: that one also destroys every idle keep-alive socket
    // at once (Node 19+), including those whose client is sending its next request right now.
    NetServer.prototype.close.call(server, () => {
      clearTimeout(deadline);
      resolve();
    });
    connections.drain();
  });
}

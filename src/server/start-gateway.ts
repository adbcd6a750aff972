/**
 * @module server/start-gateway
 * Creates the providers, the app and the HTTP server, and owns graceful shutdown: stop accepting,
 * let in-flight requests (streams included) finish up to `server.shutdownGraceMs`, then release
 * upstream connections.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { TollgateConfig } from '../../schemas/config.js';
import { createProvider } from '../../providers/create-provider.js';
import type { ProviderAdapter } from '../../providers/types.js';
import { logger, registerSecret } from '../logging/logger.js';
import { KeyStore } from '../auth/key-store.js';
import { resolveAdminKey, warnIfAdminApiDisabled } from '../admin/admin-key.js';
import { subjectFactory, type MeteringServices } from '../calls/metering-services.js';
import { OpenCalls } from '../calls/open-calls.js';
import { LedgerThread, LedgerWriter, startRetention } from '../ledger/index.js';
import { costNanoUsd, formatNanoUsd, InMemoryPriceBook, tokenCounterThread, worstCaseCostNanoUsd } from '../metering/index.js';
import { unknownModelProblem } from '../models/known-models.js';
import { ModelRegistry } from '../models/model-registry.js';
import { Subscriptions } from '../prompt-api/subscriptions.js';
import { PromptLibrary } from '../prompts/prompt-library.js';
import { createQuotaService, quotaLimitsFromConfig, type QuotaBackend } from '../quotas/index.js';
import { displayRedisUrl, redisPassword } from '../quotas/redis-url.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { createApp } from './app.js';
import { ConnectionTracker } from './connection-tracker.js';
import type { GatewayServices } from './gateway-env.js';

export interface RunningGateway {
  url: string;
  port: number;
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
    if ('apiKey' in providerConfig) registerSecret(providerConfig.apiKey);
    providers.set(name, await createProvider(name, providerConfig));
  }
  const database = openDatabase(config.storage.sqlite);
  const keyStore = new KeyStore(database);
  if (options.syncConfig !== false) keyStore.syncFromConfig(config);
  const prices = new InMemoryPriceBook({ database, models: config.models });
  const quotas = await createQuotaService(config.redis, options.quotaBackend);
  if (config.redis) await reportRedis(config.redis, quotas);
  // A database file gets its own writer thread; `:memory:` (tests) can only be written from here.
  const ledgerOptions = { flushMs: config.storage.ledgerFlushMs, batchSize: config.storage.ledgerBatchSize };
  const ledger =
    config.storage.sqlite === ':memory:' ? new LedgerWriter(database.$client, ledgerOptions) : new LedgerThread({ path: config.storage.sqlite, ...ledgerOptions });
  const retention = config.storage.retentionDays ? startRetention(database, config.storage.retentionDays) : undefined;
  warnIfAdminApiDisabled(adminKey, keyStore);
  const openCalls = new OpenCalls();
  const metering: MeteringServices = {
    openCalls,
    prices,
    quotas,
    ledger,
    quotaSubject: subjectFactory(quotaLimitsFromConfig),
    cost: costNanoUsd,
    worstCaseCost: worstCaseCostNanoUsd,
    formatUsd: formatNanoUsd,
  };
  const library = new PromptLibrary({ database, modelProblem: (model) => unknownModelProblem(config, model) });
  if (config.prompts.watch) library.watch(config.prompts.folder);
  else library.loadFiles(config.prompts.folder);
  library.reloadDatabase();
  const subscriptions = new Subscriptions(database);
  // Tenants and keys need no timer: the key store checks for changes on every lookup.
  const refresher = startRefresher(database, [
    () => subscriptions.refreshIfChanged(),
    () => library.reloadDatabase(),
  ], prices);
  const services: GatewayServices = {
    config,
    models: new ModelRegistry(config, providers),
    lifecycle: { ready: false },
    database,
    keyStore,
    metering,
    prompts: { library, subscriptions },
    adminKey,
  };
  const close = async () => {
    clearInterval(refresher);
    library.close();
    retention?.stop();
    // Calls whose clients left during the drain may still be finishing (their upstream request,
    // a token estimate): wait for their ledger rows, then flush.
    if (!(await openCalls.settled(config.server.shutdownGraceMs))) {
      logger.warn('shutting down with calls still open', { open: openCalls.size });
    }
    await ledger.close();
    await tokenCounterThread.close();
    await quotas.close();
    await Promise.allSettled([...providers.values()].map((provider) => provider.close?.()));
    database.$client.close();
  };
  return { services, providers, close };
}

/** Says at start-up when the configured Redis does not answer (URL without its password). */
async function reportRedis(redis: NonNullable<TollgateConfig['redis']>, quotas: { probe(): Promise<string | undefined> }): Promise<void> {
  registerSecret(redisPassword(redis.url));
  const problem = await quotas.probe();
  if (problem === undefined) return;
  logger.warn('Redis is configured but unreachable: quotas follow redis.onUnavailable until it answers (see /readyz)', {
    url: displayRedisUrl(redis.url),
    error: problem,
    onUnavailable: redis.onUnavailable,
  });
}

/**
 * Picks up what another process (the CLI, a second gateway) changed — subscriptions, published
 * prompts, prices — once a second, off the request path: each check is a
 * cheap query, and a reload happens only when something changed.
 */
function startRefresher(database: TollgateDatabase, refreshers: Array<() => unknown>, prices: InMemoryPriceBook): NodeJS.Timeout {
  const priceFingerprint = database.$client.prepare('select count(*) || \':\' || coalesce(max(created_at), 0) as fingerprint from prices');
  let lastPrices = (priceFingerprint.get() as { fingerprint: string }).fingerprint;
  const timer = setInterval(() => {
    try {
      for (const refresh of refreshers) refresh();
      const current = (priceFingerprint.get() as { fingerprint: string }).fingerprint;
      if (current !== lastPrices) {
        lastPrices = current;
        prices.reload();
      }
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
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(started));
    started.once('error', reject);
  });
  const httpServer = server as Server;
  const connections = new ConnectionTracker(httpServer);
  // Streams may stay open for minutes; the gateway's own per-provider timeouts bound them instead.
  httpServer.requestTimeout = 0;
  httpServer.keepAliveTimeout = 65_000;
  services.lifecycle.ready = true;
  const actualPort = (httpServer.address() as AddressInfo).port;
  const displayHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      services.lifecycle.ready = false;
      await drain(httpServer, connections, config.server.shutdownGraceMs);
      await resources.close();
    })());

  return { url: `http://${displayHost}:${actualPort}`, port: actualPort, services, close };
}

/**
 * Stops accepting connections and waits for open requests, forcing them closed after `graceMs`.
 * Connections with no request in progress are closed at once, the others as their request ends.
 */
function drain(server: Server, connections: ConnectionTracker, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => {
      logger.warn('shutdown grace period over; closing remaining connections', { graceMs });
      server.closeAllConnections();
    }, graceMs);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    connections.drain();
  });
}

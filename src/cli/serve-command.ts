/**
 * @module cli/serve-command
 * `tollgate serve [--config PATH] [--port N]`: starts the gateway and stops it gracefully on
 * SIGTERM/SIGINT (stop accepting, let in-flight requests finish, flush the ledger, exit 0).
 */
import cluster from 'node:cluster';
import { ConfigError, loadConfigFile } from '../config/load-config.js';
import { logger } from '../logging/logger.js';
import { startGateway } from '../server/start-gateway.js';
import { IpcQuotaBackend } from '../quotas/index.js';
import { CommandError, configPathFrom, parseCommand, UsageError } from './cli-context.js';
import { runPrimary, type ListeningMessage } from './cluster.js';
import { missingGatewayFlags } from './runtime-flags.js';
import { shareWithPrimary } from '../observability/metrics/cluster-metrics.js';
import { serveUsage } from './usage-text.js';
import { registerInstance, type InstanceRegistration } from '../storage/sole-instance.js';
import type { TollgateConfig } from '../../schemas/config.js';

/** Resolves when the server is listening; the process then lives until a signal stops it. */
export async function serveCommand(argv: string[]): Promise<number | undefined> {
  const parsed = parseCommand(argv, { port: { type: 'string' }, workers: { type: 'string' } }, serveUsage);
  if (parsed.help) {
    process.stdout.write(`${serveUsage}\n`);
    return 0;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, serveUsage);
  const values = parsed.values as Record<string, string | undefined>;
  const configPath = configPathFrom(values.config);
  const config = loadConfigFile(configPath);
  const portText = values.port ?? process.env.PORT;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new ConfigError('--port/PORT', [`port must be an integer from 0 to 65535, got "${portText}"`]);
  }
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new ConfigError('--workers', [`workers must be an integer from 1 to 256, got "${values.workers}"`]);
  }
  const registration = registerWithoutRedis(config);
  if (workers > 1 && cluster.isPrimary) {
    await runPrimary(config, workers, configPath);
    return undefined;
  }
  const gateway = await startGateway(config, {
    port,
    ...(cluster.isWorker ? { syncConfig: false, quotaBackend: config.redis ? undefined : new IpcQuotaBackend() } : {}),
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw error;
    const address = `${config.server.host}:${port ?? config.server.port}`;
    throw new CommandError(`${address} is already in use (another Tollgate?): stop it, or choose another port with --port N or PORT=N`);
  });
  if (cluster.isWorker) {
    const registry = gateway.services.observability.registry;
    if (registry) shareWithPrimary(registry);
    process.send!({ kind: 'tollgate-listening', url: gateway.url } satisfies ListeningMessage);
  } else {
    logger.info('tollgate listening', { url: gateway.url, config: configPath, models: Object.keys(config.models), pid: process.pid });
    const missing = missingGatewayFlags();
    if (missing.length > 0) {
      logger.info('started without the gateway\'s V8 settings: expect a larger resident set under load (npm start and the tollgate command pass them)', {
        missing,
      });
    }
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    registration?.release();
    gateway.close().then(
      () => {
        if (!cluster.isWorker) logger.info('stopped', { signal });
        process.exit(0);
      },
      (error) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return undefined;
}

/**
 * Without Redis, this process's quota counters are its own: register beside the database so that a
 * second gateway on it is reported loudly by both (see storage/sole-instance.ts). Workers of
 * `--workers N` share their primary's counters and its registration.
 */
function registerWithoutRedis(config: TollgateConfig): InstanceRegistration | undefined {
  if (config.redis || config.storage.sqlite === ':memory:' || cluster.isWorker) return undefined;
  const registration = registerInstance(config.storage.sqlite);
  process.once('exit', () => registration.release());
  return registration;
}

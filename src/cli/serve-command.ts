/**
 * @module cli/serve-command
 * `tollgate serve [--config PATH] [--port N]`: starts the gateway and stops it gracefully on
 * SIGTERM/SIGINT (stop accepting, let in-flight requests finish, flush the ledger, exit 0).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../config/load-config.js';
import { logger } from '../logging/logger.js';
import { startGateway } from '../server/start-gateway.js';
import { configPathFrom } from './cli-context.js';

export const serveUsage = `tollgate serve [--config PATH] [--port N]
  --config PATH   configuration file (default: $TOLLGATE_CONFIG, else ./tollgate.yaml)
  --port N        port to listen on (default: $PORT, else server.port from the config)`;

/** Resolves when the server is listening; the process then lives until a signal stops it. */
export async function serveCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, port: { type: 'string' } } });
  const configPath = configPathFrom(values.config);
  const config = loadConfigFile(configPath);
  const portText = values.port ?? process.env.PORT;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new ConfigError('--port/PORT', [`port must be an integer from 0 to 65535, got "${portText}"`]);
  }
  const gateway = await startGateway(config, { port });
  logger.info('tollgate listening', { url: gateway.url, config: configPath, models: Object.keys(config.models), pid: process.pid });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    gateway.close().then(
      () => {
        logger.info('stopped', { signal });
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
}

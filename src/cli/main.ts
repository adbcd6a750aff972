#!/usr/bin/env node
/**
 * @module cli/main
 * The `tollgate` command. `tollgate serve [--config PATH] [--port N]` starts the gateway; the
 * configuration comes from `--config`, else `TOLLGATE_CONFIG`, else `./tollgate.yaml`; `PORT`
 * overrides the configured port.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../config/load-config.js';
import { logger } from '../logging/logger.js';
import { startGateway } from '../server/start-gateway.js';

const usage = `usage: tollgate serve [--config PATH] [--port N]

  --config PATH   configuration file (default: $TOLLGATE_CONFIG, else ./tollgate.yaml)
  --port N        port to listen on (default: $PORT, else server.port from the config)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0] ?? 'serve';
  if (values.help || command !== 'serve') {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  return serveCommand(values.config, values.port);
}

async function serveCommand(configOption: string | undefined, portOption: string | undefined): Promise<number> {
  const configPath = configOption ?? process.env.TOLLGATE_CONFIG ?? 'tollgate.yaml';
  const config = loadConfigFile(configPath);
  const portText = portOption ?? process.env.PORT;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new ConfigError('--port/PORT', [`port must be an integer from 0 to 65535, got "${portText}"`]);
  }
  const gateway = await startGateway(config, { port });
  logger.info('tollgate listening', { url: gateway.url, config: configPath, models: Object.keys(config.models) });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    gateway.close().then(
      () => process.exit(0),
      (error) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return -1;
}

process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { error: String(reason) }));

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`tollgate: ${error.message}\n`);
    else process.stderr.write(`tollgate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

#!/usr/bin/env node
/**
 * @module cli/main
 * The `tollgate` command: `serve`, `tenants`, `keys` and `prices`. Every command takes
 * `--config PATH` (default: $TOLLGATE_CONFIG, else ./tollgate.yaml).
 */
import { ConfigError } from '../config/load-config.js';
import { logger } from '../logging/logger.js';
import { UsageError } from './cli-context.js';
import { keysCommand, keysUsage } from './keys-command.js';
import { pricesCommand, pricesUsage } from './prices-command.js';
import { serveCommand, serveUsage } from './serve-command.js';
import { tenantsCommand, tenantsUsage } from './tenants-command.js';

const usage = `usage:\n${[serveUsage, tenantsUsage, keysUsage, pricesUsage].join('\n\n')}`;

async function main(argv: string[]): Promise<number | undefined> {
  const [command = 'serve', ...rest] = argv;
  switch (command) {
    case 'serve':
      await serveCommand(rest);
      return undefined;
    case 'tenants':
      return tenantsCommand(rest);
    case 'keys':
      return keysCommand(rest);
    case 'prices':
      return pricesCommand(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${usage}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { error: String(reason) }));

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`tollgate: ${error.message}\n\n${usage}\n`);
      process.exit(2);
    }
    const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`tollgate: ${message}\n`);
    process.exit(1);
  },
);

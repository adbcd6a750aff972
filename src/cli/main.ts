#!/usr/bin/env node
/**
 * @module cli/main
 * The `tollgate` command: `serve` (also what `tollgate` alone does), `tenants`, `keys`, `prices`,
 * `migrate`, `export`, `import` and `help`. `tollgate <command> --help` prints that command's options. Every command takes
 * `--config PATH` (default: $TOLLGATE_CONFIG, else ./tollgate.yaml).
 *
 * Exit codes: 0 done; 1 the command could not be done (one line says why: "tenant "acme" already
 * exists", an invalid configuration); 2 the command line itself is wrong (the message, then the
 * command's usage).
 */
import { ConfigConflictError } from '../auth/config-conflicts.js';
import { ConfigError } from '../config/load-config.js';
import { GatewayError } from '../errors/gateway-error.js';
import { logger } from '../logging/logger.js';
import { announceCliChanges, CommandError, UsageError } from './cli-context.js';
import { keysCommand } from './keys-command.js';
import { pricesCommand } from './prices-command.js';
import { tenantsCommand } from './tenants-command.js';
import { commandUsage, usage } from './usage-text.js';

/** Loaded only to serve: the other commands start faster without the server's modules. */
async function serveCommand(argv: string[]): Promise<number | undefined> {
  return (await import('./serve-command.js')).serveCommand(argv);
}

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      return serveCommand([]);
    case 'serve':
      return serveCommand(rest);
    case 'tenants':
      return tenantsCommand(rest);
    case 'keys':
      return keysCommand(rest);
    case 'prices':
      return pricesCommand(rest);
    case 'migrate':
      return (await import('./storage-commands.js')).migrateCommand(rest);
    case 'export':
      return (await import('./storage-commands.js')).exportCommand(rest);
    case 'import':
      return (await import('./storage-commands.js')).importCommand(rest);
    case 'help':
    case '--help':
    case '-h': {
      const topic = rest[0];
      if (topic !== undefined && !(topic in commandUsage)) throw new UsageError(`no command "${topic}"`);
      process.stdout.write(`${topic ? commandUsage[topic] : usage}\n`);
      return 0;
    }
    default:
      // `tollgate --config x.yaml` and `tollgate --port 9000` mean `serve` with those options.
      if (command.startsWith('-')) return serveCommand(argv);
      throw new UsageError(`unknown command "${command}"`);
  }
}

process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { error: String(reason) }));

main(process.argv.slice(2)).then(
  async (code) => {
    if (code === undefined) return; // serving
    await announceCliChanges();
    process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`tollgate: ${error.message}\n\n${error.usage ?? usage}\n`);
      process.exit(2);
    }
    const known = error instanceof CommandError || error instanceof ConfigError || error instanceof ConfigConflictError || error instanceof GatewayError;
    if (!known) logger.error('unexpected error', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.stderr.write(`tollgate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

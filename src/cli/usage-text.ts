/**
 * @module cli/usage-text
 * What `tollgate --help` prints: every command with every option (the README shows the same text,
 * and a test holds the two together).
 */
import { keysUsage } from './keys-command.js';
import { pricesUsage } from './prices-command.js';
import { tenantsUsage } from './tenants-command.js';
import { exportUsage, importUsage, migrateUsage } from './storage-usage.js';

// Here rather than in serve-command.ts, so that `--help` and the other commands need not load the server.
export const serveUsage = `tollgate serve [--config PATH] [--port N] [--workers N]   run the gateway (what \`tollgate\` alone does)
  --config PATH                 configuration file (default: $TOLLGATE_CONFIG, else ./tollgate.yaml)
  --port N                      port to listen on (default: $PORT, else server.port from the config)
  --workers N                   processes serving the port (node:cluster); quotas stay exact across them`;

export const commandUsage: Record<string, string> = {
  serve: serveUsage,
  tenants: tenantsUsage,
  keys: keysUsage,
  prices: pricesUsage,
  migrate: migrateUsage,
  export: exportUsage,
  import: importUsage,
};

export const usage = `Tollgate, an OpenAI-compatible AI gateway.

usage: tollgate [command] [options]      (no command: serve)
       tollgate <command> --help         one command's options

${Object.values(commandUsage).join('\n\n')}

tollgate help [command]                   this text, or one command's
Exit codes: 0 done, 1 the command failed (one line says why), 2 a usage mistake.`;

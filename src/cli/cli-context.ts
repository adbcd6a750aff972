/**
 * @module cli/cli-context
 * What every CLI command shares: the configuration (from `--config`, `TOLLGATE_CONFIG` or
 * `./tollgate.yaml`), the database it names, the key store over it, argument parsing with
 * `--help`, and the two kinds of failure: a `UsageError` (the command line is wrong: the message
 * and the command's usage, exit 2) and a `CommandError` (the command was understood but cannot be
 * done, e.g. "tenant already exists": one line, exit 1). Commands work on the database directly,
 * so they need no running gateway; a running gateway sees their changes on its next request (on
 * PostgreSQL, within about a second; at once when Redis carries the notice).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigConflictError } from '../auth/config-conflicts.js';
import { KeyStore } from '../auth/key-store.js';
import type { KeyDirectory } from '../auth/key-directory.js';
import { PgKeyStore } from '../auth/pg-key-store.js';
import { openConfiguredPostgres } from '../ledger/open-ledger.js';
import type { PostgresDatabase } from '../storage/pg/postgres-database.js';
import { loadConfigFile } from '../config/load-config.js';
import { describeZodIssues, type FieldProblem } from '../errors/zod-issues.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import type { TollgateConfig } from '../../schemas/config.js';
import { postgresAuditStore, sqliteAuditStore, type AuditEvent } from '../audit/audit-store.js';
import { cliActor } from '../audit/audit-trail.js';
import type { z } from 'zod';
import type { RedisConfig } from '../../schemas/config.js';
import { onLocalChange, type ChangeKind } from '../coordination/local-changes.js';

export interface CliContext {
  config: TollgateConfig;
  /** The local SQLite file (the whole store without `storage.postgres`). */
  database: TollgateDatabase;
  /** With `storage.postgres`: where tenants, keys, prices and the rest of the control plane live. */
  postgres?: PostgresDatabase;
  keyStore: KeyDirectory;
  /** Records a change in the audit trail, as the CLI's user on this host. */
  audit(event: Omit<AuditEvent, 'actorKind' | 'actor' | 'source'>): Promise<void>;
  close(): Promise<void>;
}

/** A mistake in the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

/** A command that was understood but cannot be done: one line (or one per problem), exit code 1. */
export class CommandError extends Error {}

export function configPathFrom(option: string | undefined): string {
  return option ?? process.env.TOLLGATE_CONFIG ?? 'tollgate.yaml';
}

/** What commands in this process changed, and the Redis to tell the gateways on (see `announceCliChanges`). */
const cliChanges = { redis: undefined as RedisConfig | undefined, kinds: new Set<ChangeKind>() };

/**
 * Tells running gateways on other machines what this command changed (gateways on this database
 * file see it on their next request anyway). Bounded: a Redis that does not answer costs 2 s at
 * most, and the gateways then see the change at their periodic check.
 */
export async function announceCliChanges(): Promise<void> {
  if (!cliChanges.redis || cliChanges.kinds.size === 0) return;
  const { publishChanges } = await import('../coordination/publish-changes.js');
  if (!(await publishChanges(cliChanges.redis, cliChanges.kinds))) {
    process.stderr.write('tollgate: warning: Redis did not answer; running gateways apply this change within about a second instead of at once\n');
  }
}

export async function openCliContext(configOption: string | undefined): Promise<CliContext> {
  const config = loadConfigFile(configPathFrom(configOption));
  cliChanges.redis = config.redis;
  const database = openDatabase(config.storage.sqlite);
  let postgres: PostgresDatabase | undefined;
  try {
    postgres = config.storage.postgres === undefined ? undefined : await openConfiguredPostgres(config.storage.postgres);
  } catch (error) {
    database.$client.close();
    throw new CommandError((error as Error).message);
  }
  const keyStore = postgres ? await PgKeyStore.open(postgres) : new KeyStore(database);
  try {
    await keyStore.syncFromConfig(config);
  } catch (error) {
    // The commands that resolve the collision (`tenants delete`, `keys revoke`) must still run.
    if (!(error instanceof ConfigConflictError)) throw error;
    process.stderr.write(`tollgate: warning: ${error.message}\n  (the configuration's tenants were not synced; \`tollgate serve\` refuses to start until this is resolved)\n`);
  }
  // After the sync: gateways sync the file themselves; only the command's own changes are news.
  onLocalChange((kind) => cliChanges.kinds.add(kind));
  const actor = cliActor();
  return {
    config,
    database,
    postgres,
    keyStore,
    audit: async (event) => (postgres ? postgresAuditStore(postgres) : sqliteAuditStore(database)).append({ ...actor, ...event }),
    close: async () => {
      database.$client.close();
      await postgres?.$client.end();
    },
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** True when `--help`/`-h` was given: the caller prints its usage and exits 0. */
  help: boolean;
}

/** `parseArgs` with `--help`, `--config`, and its errors turned into usage errors. */
export function parseCommand(argv: string[], options: NonNullable<ParseArgsConfig['options']>, usage: string): ParsedCommand {
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { ...options, help: { type: 'boolean', short: 'h' }, config: { type: 'string' } } as const,
    });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    return { values, positionals: parsed.positionals, help: values.help === true };
  } catch (error) {
    // node:util reports unknown options and missing values as TypeErrors with ERR_PARSE_ARGS_* codes.
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
    throw new UsageError(message, usage);
  }
}

export function listOption(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean);
}

/** A whole non-negative number given to `--name`, or a usage error saying what was wrong. */
export function wholeNumberOption(name: string, value: string | undefined, usage: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`--${name} must be a whole number, got "${value}"`, usage);
  return Number(value);
}

/** Validates what the options build; each problem is one line naming the option (`--models: …`). */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, value: unknown, optionFor: (field: string) => string): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new CommandError(problemLines(describeZodIssues(result.error.issues, value, schema), optionFor).join('\n'));
}

export function problemLines(problems: readonly FieldProblem[], optionFor: (field: string) => string): string[] {
  return problems.map(({ field, problem }) => `${optionFor(field)}: ${problem}`);
}

/**
 * @module cli/cli-context
 * What every CLI command shares: the configuration (from `--config`, `TOLLGATE_CONFIG` or
 * `./tollgate.yaml`), the database it names, and the key store over it. Commands work on the
 * database directly, so they need no running gateway; a running gateway sees their changes
 * within a second.
 */
import { KeyStore } from '../auth/key-store.js';
import { loadConfigFile } from '../config/load-config.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import type { TollgateConfig } from '../../schemas/config.js';
import { appendAuditEvent, type AuditEvent } from '../audit/audit-store.js';
import { cliActor } from '../audit/audit-trail.js';

export interface CliContext {
  config: TollgateConfig;
  database: TollgateDatabase;
  keyStore: KeyStore;
  /** Records a change in the audit trail, as the CLI's user on this host. */
  audit(event: Omit<AuditEvent, 'actorKind' | 'actor' | 'source'>): void;
  close(): void;
}

export function configPathFrom(option: string | undefined): string {
  return option ?? process.env.TOLLGATE_CONFIG ?? 'tollgate.yaml';
}

export function openCliContext(configOption: string | undefined): CliContext {
  const config = loadConfigFile(configPathFrom(configOption));
  const database = openDatabase(config.storage.sqlite);
  const keyStore = new KeyStore(database);
  keyStore.syncFromConfig(config);
  const actor = cliActor();
  return { config, database, keyStore, audit: (event) => appendAuditEvent(database, { ...actor, ...event }), close: () => database.$client.close() };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A usage mistake: printed with the command's help, exit code 2. */
export class UsageError extends Error {}

export function listOption(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean);
}

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

export interface CliContext {
  config: TollgateConfig;
  database: TollgateDatabase;
  keyStore: KeyStore;
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
  return { config, database, keyStore, close: () => database.$client.close() };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A usage mistake: printed with the command's help, exit code 2. */
export class UsageError extends Error {}

export function listOption(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean);
}

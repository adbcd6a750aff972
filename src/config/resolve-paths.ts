/**
 * @module config/resolve-paths
 * Relative paths in a configuration file (the SQLite database, the prompts folder) mean "next to
 * this file", wherever the command runs from: `tollgate tenants list --config other/tollgate.yaml`
 * must open other/data/tollgate.db, not create an empty ./data/tollgate.db. Defaults count as
 * written in the file. Absolute paths and SQLite's `:memory:` are left alone.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { TollgateConfig } from '../../schemas/config.js';

export function resolveConfigPaths(config: TollgateConfig, configFile: string): TollgateConfig {
  const folder = dirname(resolve(configFile));
  const relativeTo = (path: string) => (isAbsolute(path) ? path : resolve(folder, path));
  const sqlite = config.storage.sqlite === ':memory:' ? ':memory:' : relativeTo(config.storage.sqlite);
  return {
    ...config,
    storage: { ...config.storage, sqlite, ...(config.storage.ledgerSpool ? { ledgerSpool: relativeTo(config.storage.ledgerSpool) } : {}) },
    prompts: { ...config.prompts, folder: relativeTo(config.prompts.folder) },
  };
}

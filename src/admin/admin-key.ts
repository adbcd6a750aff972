/**
 * @module admin/admin-key
 * The admin key from `TOLLGATE_ADMIN_KEY` (or the start-up option): held to the same 16-character
 * minimum as keys in the configuration file, since it can do everything; and the start-up warning
 * when the admin API has no way in at all.
 */
import { ConfigError } from '../config/load-config.js';
import { logger } from '../logging/logger.js';
import type { KeyDirectory as KeyStore } from '../auth/key-directory.js';
import { enableAdminApiHint } from './admin-auth.js';

export const minimumAdminKeyLength = 16;

/** The admin key, or undefined when none is set; a key that is too short stops start-up. */
export function resolveAdminKey(option: string | undefined, environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromOption = option !== undefined;
  const key = fromOption ? option : environment.TOLLGATE_ADMIN_KEY || undefined;
  if (key !== undefined && key.length < minimumAdminKeyLength) {
    throw new ConfigError(fromOption ? 'the admin key option' : 'the environment', [
      `TOLLGATE_ADMIN_KEY: must be at least ${minimumAdminKeyLength} characters (it has ${key.length}), like the keys in the configuration file`,
    ]);
  }
  return key;
}

/** Says at start-up when nobody can use the admin API, and how to change that. */
export function warnIfAdminApiDisabled(adminKey: string | undefined, keyStore: KeyStore): void {
  if (adminKey !== undefined || keyStore.hasActiveOperatorKey()) return;
  logger.warn(`admin API disabled: /admin answers 403 admin_api_disabled. To enable it, ${enableAdminApiHint}`);
}

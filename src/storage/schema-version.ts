/**
 * @module storage/schema-version
 * Refuses a database whose schema is newer than this Tollgate: drizzle's migrator applies the
 * migrations newer than the last one recorded and says nothing when the database is ahead, so an
 * older release started against a database a newer one migrated would run on tables it does not
 * know. Both dialects record applied migrations with their folder time (`created_at`); the code's
 * newest is the last entry of the folder's journal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export class SchemaTooNewError extends Error {}

/** The `when` of the newest migration in `folder` (its `meta/_journal.json`). */
export function newestMigrationTime(folder: string): number {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ when: number }> };
  return Math.max(0, ...journal.entries.map((entry) => entry.when));
}

/** Throws when the database records a migration newer than any the code ships. */
export function assertSchemaNotNewer(appliedNewest: number | undefined, folder: string, where: string): void {
  const known = newestMigrationTime(folder);
  if (appliedNewest === undefined || appliedNewest <= known) return;
  throw new SchemaTooNewError(
    `${where} was migrated by a newer Tollgate (its schema dates from ${new Date(appliedNewest).toISOString()}, this version knows up to ` +
      `${new Date(known).toISOString()}); run the newer release, or restore a backup taken before the upgrade`,
  );
}

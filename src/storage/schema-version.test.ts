import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { SchemaTooNewError } from './schema-version.js';

describe('a SQLite database migrated by a newer Tollgate', () => {
  it('is refused at open, with the date of its schema', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-schema-'));
    const path = join(folder, 'tollgate.db');
    try {
      const database = openDatabase(path);
      database.$client.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('from-the-future', ?)").run(Date.UTC(2099, 0, 1));
      database.$client.close();
      expect(() => openDatabase(path)).toThrow(SchemaTooNewError);
      expect(() => openDatabase(path)).toThrow(/migrated by a newer Tollgate \(its schema dates from 2099-01-01/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

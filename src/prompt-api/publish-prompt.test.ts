import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../config/load-config.js';
import type { PromptCatalog } from '../prompts/types.js';
import { openConnection } from '../storage/connection.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { publishPrompt } from './publish-prompt.js';

const opened: Array<{ close(): void }> = [];
afterEach(() => {
  for (const connection of opened.splice(0)) connection.close();
});

const definition = {
  name: 'raced',
  model: 'demo',
  input: { type: 'object', properties: { text: { type: 'string' } } },
  messages: [{ role: 'user', content: '{{text}}' }],
};

const config = validateConfig({ providers: { demo: { type: 'mock' } }, models: { demo: { provider: 'demo', model: 'lorem' } } }, 'test');

function fileDatabase(): { database: TollgateDatabase; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'tollgate-publish-')), 'tollgate.db');
  const database = openDatabase(path);
  opened.push(database.$client);
  return { database, path };
}

describe('publishPrompt', () => {
  it('is not failed by another connection committing between its version read and its insert', () => {
    const { database, path } = fileDatabase();
    // Stands in for the ledger thread: its own connection, committing a row whenever it can.
    const ledger = openConnection(path);
    opened.push(ledger);
    ledger.pragma('busy_timeout = 0');
    const insertCall = ledger.prepare("INSERT INTO calls (id, time, kind, status, latency_ms) VALUES (?, 0, 'chat', 200, 1)");
    let ledgerWrites = 0;
    let ledgerWaits = 0;
    // The catalog is consulted between the read of the highest stored version and the insert:
    // exactly when a ledger commit used to turn the insert into SQLITE_BUSY.
    const catalog: PromptCatalog = {
      latest: () => undefined,
      version: () => undefined,
      names: () => [],
      versions: () => {
        try {
          insertCall.run(`req_${ledgerWrites + ledgerWaits}`);
          ledgerWrites++;
        } catch (error) {
          // The publish holds the write lock: the ledger's write waits for its next flush.
          expect((error as { code?: string }).code).toBe('SQLITE_BUSY');
          ledgerWaits++;
        }
        return [];
      },
    };
    for (let round = 1; round <= 5; round++) {
      const published = publishPrompt({ database, catalog, config }, { kind: 'operator', key: null, role: 'admin' }, { ...definition });
      expect(published.version).toBe(round);
    }
    expect(ledgerWaits).toBe(5);
    // Once the publish has committed, the ledger writes again.
    insertCall.run('req_after');
  });
});

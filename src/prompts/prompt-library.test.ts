import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { logger } from '../logging/logger.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { promptVersions } from '../storage/schema.js';
import { PromptLibrary, type PromptLibraryChange } from './prompt-library.js';
import { promptFile, tempFolder, type TempFolder } from './test-prompts.js';

const within = { timeout: 1_000, interval: 20 };

describe('PromptLibrary', () => {
  let folder: TempFolder;
  let database: TollgateDatabase;
  let library: PromptLibrary;

  beforeEach(() => {
    vi.spyOn(logger, 'info').mockImplementation(() => {});
    vi.spyOn(logger, 'warn').mockImplementation(() => {});
    folder = tempFolder();
    database = openDatabase(':memory:');
    library = new PromptLibrary({ database });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    library.close();
    database.$client.close();
    folder.dispose();
  });

  function publish(overrides: Record<string, unknown>, row: { deprecatedAt?: number | null; ownerTenantId?: string | null } = {}): void {
    const definition = promptFile(overrides);
    database
      .insert(promptVersions)
      .values({
        name: String(definition.name),
        version: Number(definition.version),
        definition,
        ownerTenantId: row.ownerTenantId ?? null,
        deprecatedAt: row.deprecatedAt ?? null,
        createdAt: 1_000,
      })
      .run();
  }

  it('serves file versions: latest, a given version, all versions oldest first, names sorted', () => {
    folder.write('greet-2.yaml', promptFile({ version: 2 }));
    folder.write('greet-1.yaml', promptFile({ version: 1 }));
    folder.write('other.yaml', promptFile({ name: 'another' }));
    expect(library.loadFiles(folder.path)).toEqual([]);
    expect(library.names()).toEqual(['another', 'greet']);
    expect(library.latest('greet')?.definition.version).toBe(2);
    expect(library.version('greet', 1)?.path).toBe(`${folder.path}/greet-1.yaml`);
    expect(library.version('greet', 3)).toBeUndefined();
    expect(library.versions('greet').map((version) => version.definition.version)).toEqual([1, 2]);
    expect(library.latest('missing')).toBeUndefined();
    expect(library.versions('missing')).toEqual([]);
  });

  it('merges database versions; latest skips deprecated versions unless all are', () => {
    folder.write('greet.yaml', promptFile({ version: 1 }));
    library.loadFiles(folder.path);
    publish({ version: 2 });
    publish({ version: 3 }, { deprecatedAt: 5_000 });
    library.reloadDatabase();
    expect(library.versions('greet').map((version) => [version.definition.version, version.source])).toEqual([
      [1, 'file'],
      [2, 'api'],
      [3, 'api'],
    ]);
    expect(library.latest('greet')?.definition.version).toBe(2);
    expect(library.version('greet', 3)?.deprecatedAt).toBe(5_000);

    publish({ name: 'old', version: 1 }, { deprecatedAt: 1 });
    publish({ name: 'old', version: 2 }, { deprecatedAt: 2 });
    library.reloadDatabase();
    expect(library.latest('old')?.definition.version).toBe(2);
  });

  it('treats deprecated: true in a file or a stored definition as deprecated', () => {
    folder.write('greet-1.yaml', promptFile({ version: 1 }));
    folder.write('greet-2.yaml', promptFile({ version: 2, deprecated: true }));
    library.loadFiles(folder.path);
    expect(library.version('greet', 2)?.deprecatedAt).toEqual(expect.any(Number));
    expect(library.latest('greet')?.definition.version).toBe(1);
    publish({ version: 3, deprecated: true });
    library.reloadDatabase();
    expect(library.version('greet', 3)?.deprecatedAt).toBe(1_000);
    expect(library.latest('greet')?.definition.version).toBe(1);
  });

  it('keeps unchanged rows (and their compiled validators) across reloads, and sees deprecation', () => {
    publish({ version: 1 });
    library.reloadDatabase();
    const first = library.version('greet', 1);
    const changes: PromptLibraryChange[] = [];
    library.onChange((change) => changes.push(change));
    library.reloadDatabase();
    expect(library.version('greet', 1)).toBe(first);
    expect(changes).toEqual([]);

    database.update(promptVersions).set({ deprecatedAt: 9_000 }).where(eq(promptVersions.name, 'greet')).run();
    library.reloadDatabase();
    expect(library.version('greet', 1)?.deprecatedAt).toBe(9_000);
    expect(library.version('greet', 1)?.definition).toBe(first?.definition);
    expect(changes).toEqual([{ source: 'api' }]);

    database.delete(promptVersions).run();
    library.reloadDatabase();
    expect(library.names()).toEqual([]);
  });

  it('takes the owner from owner_tenant_id', () => {
    publish({ name: 'mine' }, { ownerTenantId: 'acme' });
    library.reloadDatabase();
    expect(library.latest('mine')?.definition.owner).toBe('acme');
  });

  it('reports an invalid row and serves the others', () => {
    publish({ name: 'fine' });
    database
      .insert(promptVersions)
      .values({ name: 'broken', version: 1, definition: { name: 'broken' }, ownerTenantId: null, deprecatedAt: null, createdAt: 1 })
      .run();
    database.$client
      .prepare("insert into prompt_versions (name, version, definition, created_at) values ('corrupt', 1, '{not json', 1)")
      .run();
    library.reloadDatabase();
    expect(library.names()).toEqual(['fine']);
    expect(library.problems()).toEqual([
      { path: 'database:broken@1', message: expect.stringContaining('version:') },
      { path: 'database:corrupt@1', message: expect.stringMatching(/^the stored definition is not JSON: /) },
    ]);
    library.reloadDatabase();
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it('lets a file win over a database version with the same name and version, and reports it', () => {
    const path = folder.write('greet.yaml', promptFile({ description: 'From the file.' }));
    library.loadFiles(folder.path);
    publish({ description: 'From the database.' });
    library.reloadDatabase();
    expect(library.latest('greet')?.definition.description).toBe('From the file.');
    expect(library.problems()).toEqual([{ path, message: 'greet@1 is also published in the database; the file wins' }]);
  });

  it('calls listeners after each reload and stops after unsubscribing', () => {
    const listener = vi.fn();
    const unsubscribe = library.onChange(listener);
    library.loadFiles(folder.path);
    publish({});
    library.reloadDatabase();
    expect(listener.mock.calls).toEqual([[{ source: 'file' }], [{ source: 'api' }]]);
    unsubscribe();
    library.loadFiles(folder.path);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  describe('watch', () => {
    it('picks up added, changed and deleted files without a restart', async () => {
      library.watch(folder.path);
      expect(library.names()).toEqual([]);

      folder.write('greet.yaml', promptFile({ description: 'First.' }));
      await vi.waitFor(() => expect(library.latest('greet')?.definition.description).toBe('First.'), within);

      folder.write('greet.yaml', promptFile({ description: 'Second.' }));
      await vi.waitFor(() => expect(library.latest('greet')?.definition.description).toBe('Second.'), within);

      folder.remove('greet.yaml');
      await vi.waitFor(() => expect(library.latest('greet')).toBeUndefined(), within);
    });

    it('keeps serving the last good version of a file that turns malformed, until it is fixed or deleted', async () => {
      const path = folder.write('greet.yaml', promptFile({ description: 'Good.' }));
      library.watch(folder.path);
      expect(library.latest('greet')?.definition.description).toBe('Good.');

      folder.write('greet.yaml', 'name: greet\nversion: 1\nversion: 2\n');
      await vi.waitFor(() => expect(library.problems()).toHaveLength(1), within);
      expect(library.problems()[0]).toEqual({
        path,
        message: expect.stringMatching(/^YAML: Map keys must be unique.*\(still serving greet@1, the last good version of this file\)$/),
      });
      expect(library.latest('greet')?.definition.description).toBe('Good.');
      expect(logger.warn).toHaveBeenCalledWith('prompt file problem', { path, problem: expect.stringContaining('Map keys must be unique') });

      folder.write('greet.yaml', promptFile({ description: 'Fixed.' }));
      await vi.waitFor(() => expect(library.latest('greet')?.definition.description).toBe('Fixed.'), within);
      expect(library.problems()).toEqual([]);

      folder.write('greet.yaml', promptFile({ messages: [{ role: 'user', content: '{{nobody}}' }] }));
      await vi.waitFor(() => expect(library.problems()).toHaveLength(1), within);
      folder.remove('greet.yaml');
      await vi.waitFor(() => expect(library.latest('greet')).toBeUndefined(), within);
      expect(library.problems()).toEqual([]);
    });

    it('never serves a file that was never valid', async () => {
      library.watch(folder.path);
      const path = folder.write('bad.yaml', promptFile({ name: 'bad', temprature: 1 }));
      await vi.waitFor(() => expect(library.problems().map((problem) => problem.path)).toEqual([path]), within);
      expect(library.latest('bad')).toBeUndefined();
    });

    it('debounces a burst of writes into one reload', async () => {
      library.watch(folder.path);
      const listener = vi.fn();
      library.onChange(listener);
      for (let index = 1; index <= 5; index++) folder.write('greet.yaml', promptFile({ description: `Write ${index}.` }));
      await vi.waitFor(() => expect(library.latest('greet')?.definition.description).toBe('Write 5.'), within);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(listener).toHaveBeenCalledTimes(1);
    });

    it('stops reloading after close()', async () => {
      library.watch(folder.path);
      library.close();
      folder.write('greet.yaml', promptFile());
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(library.latest('greet')).toBeUndefined();
    });
  });
});

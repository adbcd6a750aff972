/**
 * The tenant and key store behaves the same on SQLite (`KeyStore`) and on PostgreSQL
 * (`PgKeyStore`): the same writes give the same memory, a second store on the same database sees
 * them after a reload, and the configuration's tenants collide with runtime ones the same way.
 * Alongside: subscriptions and runtime prices on both.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../config/load-config.js';
import { importPrices, importPricesIntoPostgres } from '../metering/import-prices.js';
import { InMemoryPriceBook } from '../metering/price-book.js';
import { Subscriptions } from '../prompt-api/subscriptions.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import type { PostgresDatabase } from '../storage/pg/postgres-database.js';
import { controlBackendNames, openControlBackend, type ControlBackend } from '../../test/helpers/control-backends.js';
import { ConfigConflictError } from './config-conflicts.js';
import type { KeyDirectory } from './key-directory.js';
import { KeyStore } from './key-store.js';
import { PgKeyStore } from './pg-key-store.js';

describe.each(controlBackendNames)('tenants, keys, subscriptions and prices on %s', (name) => {
  let backend: ControlBackend;
  let sqlite: TollgateDatabase;
  const postgres = (): PostgresDatabase => backend.postgres!;
  const openKeyStore = async (): Promise<KeyDirectory> => (name === 'postgres' ? PgKeyStore.open(postgres()) : new KeyStore(sqlite));

  beforeEach(async () => {
    sqlite = openDatabase(':memory:');
    backend = await openControlBackend(name, () => sqlite.$client);
  });
  afterEach(async () => {
    await backend.close();
    sqlite.$client.close();
  });

  it('creates, updates, revokes and deletes, and a second store sees each change after a reload', async () => {
    const writer = await openKeyStore();
    const reader = await openKeyStore();
    await writer.createTenant({ id: 'acme', quotas: { requestsPerMinute: 10 }, models: ['demo'] });
    const { record, key } = await writer.createKey({ tenantId: 'acme', name: 'ci' });
    expect(writer.lookup(key)?.tenant?.id).toBe('acme');
    await expect(Promise.resolve().then(() => writer.createKey({ tenantId: 'acme', name: 'ci' }))).rejects.toMatchObject({ status: 409 });

    await reader.reload();
    expect(reader.lookup(key)?.key.id).toBe(record.id);
    expect(reader.tenant('acme')).toMatchObject({ quotas: { requestsPerMinute: 10 }, models: ['demo'], allowBodyCapture: true });

    expect((await writer.updateTenant('acme', { quotas: { requestsPerMinute: 1 } }))?.quotas).toEqual({ requestsPerMinute: 1 });
    expect(await writer.updateTenant('nobody', { timeZone: 'UTC' })).toBeUndefined();
    expect(await writer.revokeKey(record.id)).toBe(true);
    expect(await writer.revokeKey('key_missing')).toBe(false);
    await reader.reload();
    expect(reader.key(record.id)?.revokedAt).not.toBeNull();
    expect(reader.tenant('acme')?.quotas).toEqual({ requestsPerMinute: 1 });

    expect(await writer.deleteTenant('acme')).toBe(true);
    await reader.reload();
    expect(reader.listTenants()).toEqual([]);
    expect(reader.listKeys('acme')).toEqual([]);
  });

  it('syncs the configuration file, and refuses one that collides with a runtime tenant', async () => {
    const store = await openKeyStore();
    const raw = {
      providers: { demo: { type: 'mock' } },
      models: { demo: { provider: 'demo', model: 'echo' } },
      tenants: { declared: { keys: [{ name: 'app', key: 'tg_declared_key_0123456789abcdef' }] } } as Record<string, unknown>,
      operators: [{ name: 'ops', key: 'tg_operator_key_0123456789abcdef', role: 'admin' }],
    };
    const config = validateConfig(raw);
    await store.syncFromConfig(config);
    await store.syncFromConfig(config); // twice: the same rows, not twice as many
    expect(store.listKeys().map((key) => key.id).sort()).toEqual(['cfg_declared_app', 'op_ops']);
    expect(store.hasActiveOperatorKey()).toBe(true);

    await store.createTenant({ id: 'runtime' });
    const clash = validateConfig({ ...raw, tenants: { ...raw.tenants, runtime: { keys: [] } } });
    await expect(Promise.resolve().then(() => store.syncFromConfig(clash))).rejects.toBeInstanceOf(ConfigConflictError);
    expect(store.tenant('declared')).toBeDefined();
  });

  it('keeps subscription requests and decisions, seen by a second reader', async () => {
    const open = async () => (name === 'postgres' ? Subscriptions.openPostgres(postgres()) : new Subscriptions(sqlite));
    const writer = await open();
    const reader = await open();
    expect((await writer.request('shout', 'guest')).status).toBe('pending');
    expect(await writer.decide('shout', 'nobody', true)).toBeUndefined();
    expect((await writer.decide('shout', 'guest', true))?.status).toBe('approved');
    await reader.reload();
    expect(reader.status('shout', 'guest')).toBe('approved');
  });

  it('prices imported into the database are read by the price book', async () => {
    const file = JSON.stringify({ 'gpt-test': { mode: 'chat', input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 } });
    const options = { effectiveFrom: 0, source: 'import:test.json' };
    const result = name === 'postgres' ? await importPricesIntoPostgres(postgres(), file, options) : importPrices(sqlite, file, options);
    expect(result.imported).toBe(1);
    const book = new InMemoryPriceBook(name === 'postgres' ? { postgres: postgres() } : { database: sqlite });
    expect(await book.reload()).toBe(1);
    expect(book.priceFor({ publicModel: 'x', providerType: 'openai', upstreamModel: 'gpt-test', time: Date.now() })).toMatchObject({ source: 'import:test.json' });
  });
});

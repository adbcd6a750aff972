/**
 * Admin writes never fail because traffic is flowing. The ledger thread commits a batch every
 * millisecond or so while chat calls stream through; meanwhile 200 prompts are published, tenants
 * and keys are created, changed, revoked and deleted, subscriptions asked for and decided, and a
 * second connection (what the `tollgate` CLI opens) syncs tenants and imports prices. A deferred
 * read-then-write transaction used to lose that race with SQLITE_BUSY ("database is locked", a
 * 500) a few times in every hundred publishes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyStore } from '../../src/auth/key-store.js';
import { importPrices } from '../../src/metering/index.js';
import { openDatabase } from '../../src/storage/database.js';
import { startTestGateway, testAdminKey, testKey, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;
let databasePath: string;
const publisherKey = 'tg_busy_publisher_0123456789ab';

beforeAll(async () => {
  databasePath = join(mkdtempSync(join(tmpdir(), 'tollgate-admin-writes-')), 'tollgate.db');
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock', completionTokens: 4 } },
    models: { demo: { provider: 'demo', model: 'lorem', price: { input: 1, output: 2 } } },
    tenants: {
      test: { keys: [{ name: 'default', key: testKey }] },
      owner: { keys: [{ name: 'publisher', key: publisherKey, scopes: { permissions: ['prompts:publish'] } }] },
    },
    // A file database: the ledger gets its own thread and connection, committing every millisecond.
    storage: { sqlite: databasePath, ledgerFlushMs: 1, ledgerBatchSize: 1 },
    prompts: { folder: mkdtempSync(join(tmpdir(), 'tollgate-admin-writes-prompts-')), watch: false },
  });
});
afterAll(async () => {
  await gateway?.close();
});

const admin = (method: string, path: string, body?: unknown, key = testAdminKey) =>
  fetch(`${gateway.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** Chat calls from `workers` loops until `stop` says so; each one writes a ledger row. */
async function traffic(workers: number, stop: () => boolean): Promise<number> {
  let calls = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (!stop()) {
        const response = await fetch(`${gateway.baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${testKey}` },
          body: JSON.stringify({ model: 'demo', stream: worker % 2 === 0, messages: [{ role: 'user', content: `load ${calls}` }] }),
        });
        await response.arrayBuffer();
        if (response.status !== 200) failures.push(`chat call ${response.status}`);
        calls++;
      }
    }),
  );
  return calls;
}

const styleGuide = 'Answer in plain English, in short sentences, citing the text you were given. '.repeat(400);

/** Every answer that was not the expected status, so one failing write does not hide the others. */
const failures: string[] = [];

async function expectStatus(response: Response, status: number): Promise<any> {
  const body = await response.json();
  if (response.status !== status) failures.push(`${response.url} ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

describe('admin writes under traffic', () => {
  it('publishes 200 prompt versions and changes tenants, keys, subscriptions and prices without one failure', async () => {
    const subscribed = {
      name: 'busy-subscribed',
      visibility: 'private',
      model: 'demo',
      input: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      messages: [{ role: 'user', content: '{{text}}' }],
    };
    await expectStatus(await admin('POST', '/admin/prompts', subscribed, publisherKey), 201);
    let done = false;
    const load = traffic(8, () => done);
    try {
      const publishes = (async () => {
        for (let index = 0; index < 200; index++) {
          const key = index % 2 === 0 ? testAdminKey : publisherKey;
          const definition = {
            name: `busy-${index % 4}`,
            ...(key === testAdminKey ? { owner: 'owner' } : {}),
            model: 'demo',
            input: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
            // A long system prompt, as real ones are: it widens the time between the version read and the insert.
            messages: [
              { role: 'system', content: styleGuide },
              { role: 'user', content: `Version ${index}: {{text}}` },
            ],
          };
          await expectStatus(await admin('POST', '/admin/prompts', definition, key), 201);
        }
      })();
      const tenantChurn = (async () => {
        for (let index = 0; index < 40; index++) {
          const id = `churn-${index}`;
          await expectStatus(await admin('POST', '/admin/tenants', { id, quotas: { requestsPerMinute: 100 } }), 201);
          const created = await expectStatus(await admin('POST', `/admin/tenants/${id}/keys`, { name: 'main' }), 201);
          await expectStatus(await admin('PATCH', `/admin/tenants/${id}`, { quotas: { requestsPerMinute: 50 } }), 200);
          await expectStatus(await admin('POST', `/admin/keys/${created.id}/revoke`), 200);
          await expectStatus(await admin('DELETE', `/admin/tenants/${id}`), 200);
        }
      })();
      const subscriptionChurn = (async () => {
        for (let index = 0; index < 30; index++) {
          await expectStatus(await admin('POST', '/v1/prompts/busy-subscribed/subscription', {}, testKey), 202);
          await expectStatus(await admin('POST', `/admin/prompts/busy-subscribed/subscriptions/test/reject`, {}, publisherKey), 200);
        }
      })();
      // What the CLI does, from its own connection: sync the configuration, create tenants, import prices.
      const cliWrites = (async () => {
        const database = openDatabase(databasePath);
        try {
          const store = new KeyStore(database);
          // The same file the gateway runs from, as `tollgate tenants ...` would load it.
          const config = gateway.services.config;
          const priceFile = JSON.stringify({ 'cli-model': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } });
          for (let index = 0; index < 40; index++) {
            store.syncFromConfig(config);
            store.createTenant({ id: `cli-${index}` });
            store.deleteTenant(`cli-${index}`);
            expect(importPrices(database, priceFile, { source: 'test', effectiveFrom: index }).imported).toBe(1);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        } finally {
          database.$client.close();
        }
      })();
      await Promise.all([publishes, tenantChurn, subscriptionChurn, cliWrites]);
    } finally {
      done = true;
    }
    expect(failures).toEqual([]);
    expect(await load).toBeGreaterThan(50);
    const versions = await expectStatus(await admin('GET', '/v1/prompts/busy-0', undefined, publisherKey), 200);
    expect(versions).toBeDefined();
  }, 120_000);
});

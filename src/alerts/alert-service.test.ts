import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertsSchema, type AlertsConfig } from '../../schemas/alerts-config.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/helpers/webhook-receiver.js';
import type { KeyRecord, TenantRecord } from '../auth/key-store.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { openConnection } from '../storage/connection.js';
import { openDatabase, type TollgateDatabase } from '../storage/database.js';
import { sqliteReader } from '../storage/sql-reader.js';
import { AlertService } from './alert-service.js';
import { listAlerts } from './alert-store.js';
import { verifyWebhookSignature } from './webhook-signature.js';
import { controlBackendNames, openControlBackend, type ControlBackend } from '../../test/helpers/control-backends.js';
import type { ControlSql } from '../storage/control-sql.js';

const secret = 'whsec_test_0123456789abcdef';
const hour = 3_600_000;
let folder: string;
let db: TollgateDatabase;
let receiver: WebhookReceiver;
let backend: ControlBackend | undefined;
/** Where the alerts are recorded: SQLite or PostgreSQL (the ledger is read from SQLite either way). */
let records: ControlSql;

const tenant: TenantRecord = { id: 'acme', quotas: { costPerMonthUsd: 10 }, models: null, services: null, timeZone: 'UTC', unpricedModels: null, allowBodyCapture: true, source: 'config', createdAt: 0 };
const keyStore = { listTenants: () => [tenant], listKeys: (): KeyRecord[] => [] };

function config(overrides: Record<string, unknown> = {}): AlertsConfig {
  return alertsSchema.parse({ checkIntervalMs: 100, spike: false, webhook: { url: receiver.url, secret, timeoutMs: 2_000 }, retry: { initialDelayMs: 50, maxDelayMs: 200 }, ...overrides });
}

/** Calls of `costUsd` each at `time`, through the ledger writer (rollups included). */
async function spend(costsUsd: number[], time: number): Promise<void> {
  const writer = new LedgerWriter(db.$client, { flushMs: 1_000, batchSize: 1_000 });
  costsUsd.forEach((cost, index) =>
    writer.append({ id: `c_${time}_${index}_${Math.random()}`, time, tenantId: 'acme', keyId: 'k1', kind: 'chat', model: 'm', status: 200, latencyMs: 5, costNanoUsd: Math.round(cost * 1e9) }),
  );
  await writer.close();
}

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tollgate-alerts-'));
  db = openDatabase(join(folder, 'tollgate.db'));
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  db.$client.close();
  await backend?.close();
  backend = undefined;
  await receiver.close();
  rmSync(folder, { recursive: true, force: true });
});

async function untilDelivered(services: AlertService[], count: number): Promise<void> {
  for (let attempt = 0; attempt < 200 && receiver.deliveries.filter((delivery) => delivery.status === 200).length < count; attempt++) {
    await Promise.all(services.map((service) => service.tick()));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(controlBackendNames)('budget alerts recorded in %s', (backendName) => {
  beforeEach(async () => {
    backend = await openControlBackend(backendName, () => openConnection(join(folder, 'tollgate.db')));
    records = backend.connect();
  });

  it('records and sends each threshold once per period, even from two gateways checking at the same time', async () => {
    await spend([5.5], Date.now() - 60_000); // 55% of the monthly 10 USD
    const gateways = [0, 1].map(() => new AlertService({ records: backend!.connect(), ledger: sqliteReader(db.$client, ':memory:'), keyStore, config: config() }));
    const created = (await Promise.all(gateways.map((gateway) => gateway.check()))).flat();
    expect(created).toHaveLength(1);
    await spend([3, 2], Date.now() - 30_000); // 105%
    expect((await Promise.all(gateways.flatMap((gateway) => [gateway.check(), gateway.check()]))).flat()).toHaveLength(2);
    await Promise.all(gateways.map((gateway) => Promise.all([gateway.deliverDue(), gateway.deliverDue()])));
    await untilDelivered(gateways, 3);
    const thresholds = receiver.deliveries.map((delivery) => JSON.parse(delivery.body).threshold).sort((a, b) => a - b);
    expect(thresholds).toEqual([50, 80, 100]);
    const rows = await listAlerts(records, { limit: 10 });
    expect(rows.map((row) => row.status)).toEqual(['delivered', 'delivered', 'delivered']);
    for (const delivery of receiver.deliveries) {
      expect(verifyWebhookSignature(secret, delivery.headers['x-tollgate-signature'] as string, delivery.body)).toBe(true);
      expect(delivery.headers['x-tollgate-alert-id']).toBe(JSON.parse(delivery.body).id);
      const { budget, threshold } = JSON.parse(delivery.body);
      // Each alert carries the figures of the check that raised it.
      const spent = threshold === 50 ? '5.500000000' : '10.500000000';
      expect(budget).toMatchObject({ tenant: 'acme', metric: 'cost_usd', window: 'month', limit: '10.000000000', spent });
    }
    for (const gateway of gateways) await gateway.close();
  });

  it('retries a failing webhook with growing delays until it answers, and gives up after the last attempt', async () => {
    await receiver.close();
    receiver = await startWebhookReceiver((attempt) => (attempt <= 2 ? 503 : 200));
    await spend([6], Date.now() - 60_000);
    const service = new AlertService({ records, ledger: sqliteReader(db.$client, ':memory:'), keyStore, config: config({ thresholds: [50] }) });
    expect(await service.check()).toHaveLength(1);
    await untilDelivered([service], 1);
    expect(receiver.deliveries.map((delivery) => [delivery.status, delivery.headers['x-tollgate-delivery-attempt']])).toEqual([
      [503, '1'],
      [503, '2'],
      [200, '3'],
    ]);
    const [first, second, third] = receiver.deliveries.map((delivery) => delivery.at);
    expect(second - first).toBeGreaterThanOrEqual(40); // 50 ms ± 20%
    expect(third - second).toBeGreaterThanOrEqual(80); // 100 ms ± 20%
    expect((await listAlerts(records, { limit: 1 }))[0]).toMatchObject({ status: 'delivered', attempts: 3, last_error: null });

    await receiver.close();
    receiver = await startWebhookReceiver(() => 500);
    const giveUp = new AlertService({ records, ledger: sqliteReader(db.$client, ':memory:'), keyStore, config: config({ thresholds: [55], retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 10 } }) });
    expect(await giveUp.check()).toHaveLength(1);
    for (let attempt = 0; attempt < 50 && (await listAlerts(records, { limit: 1, status: 'failed' })).length === 0; attempt++) {
      await giveUp.tick();
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect((await listAlerts(records, { limit: 1, status: 'failed' }))[0]).toMatchObject({ attempts: 2, last_error: 'webhook answered 500' });
    expect(receiver.deliveries).toHaveLength(2);
  });

  it('records alerts without sending when no webhook is configured', async () => {
    await spend([9], Date.now() - 60_000);
    const service = new AlertService({ records, ledger: sqliteReader(db.$client, ':memory:'), keyStore, config: alertsSchema.parse({ spike: false }) });
    expect(await service.check()).toHaveLength(2);
    await service.deliverDue();
    expect((await listAlerts(records, { limit: 10 })).map((row) => row.status)).toEqual(['recorded', 'recorded']);
    expect(receiver.deliveries).toHaveLength(0);
  });
});

describe.each(controlBackendNames)('spend spike alerts recorded in %s', (backendName) => {
  beforeEach(async () => {
    backend = await openControlBackend(backendName, () => openConnection(join(folder, 'tollgate.db')));
    records = backend.connect();
  });

  it('alerts once when this hour is far above the tenant\'s own hourly baseline', async () => {
    const now = Date.now();
    const thisHour = Math.floor(now / hour) * hour;
    const noBudget = { listTenants: () => [{ ...tenant, quotas: {} }], listKeys: () => [] };
    for (let back = 1; back <= 24; back++) await spend([0.5], thisHour - back * hour + 60_000); // 0.5 USD an hour
    const service = new AlertService({ records, ledger: sqliteReader(db.$client, ':memory:'), keyStore: noBudget, config: config({ spike: { factor: 3, baselineHours: 24, minSpendUsd: 1 } }) });
    await spend([1.2], Math.max(thisHour, now - 1_000));
    expect(await service.check()).toEqual([]); // 1.2 is not above 3 × 0.5
    await spend([0.4], Math.max(thisHour, now - 1_000));
    const [id] = await service.check();
    expect(id).toMatch(/^alert_/);
    expect(await service.check()).toEqual([]);
    await untilDelivered([service], 1);
    const payload = JSON.parse(receiver.deliveries[0].body);
    expect(payload).toMatchObject({ type: 'spend.spike', tenant: 'acme', spike: { spend_usd: '1.600000000', baseline_hourly_usd: '0.500000000', factor: 3 } });
  });
});

describe('webhook signatures', () => {
  it('refuses a changed body, another secret, or a timestamp older than five minutes', async () => {
    const { signWebhook } = await import('./webhook-signature.js');
    const body = '{"id":"alert_1"}';
    const now = Math.floor(Date.now() / 1000);
    const header = signWebhook(secret, body, now);
    expect(verifyWebhookSignature(secret, header, body, now)).toBe(true);
    expect(verifyWebhookSignature(secret, header, '{"id":"alert_2"}', now)).toBe(false);
    expect(verifyWebhookSignature('another_secret_0123456789', header, body, now)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, now + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, undefined, body, now)).toBe(false);
    expect(verifyWebhookSignature(secret, 't=1,v1=zz', body, now)).toBe(false);
  });
});

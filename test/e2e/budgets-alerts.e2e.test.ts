/**
 * Budgets and alerts end to end: two gateways share one database (as two instances would), a
 * tenant spends through the OpenAI SDK past 50% and 80% of its monthly budget, and the webhook
 * receives each threshold exactly once, signed; the budget view and the alert log agree with the
 * ledger to the nano-dollar.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/alerts/webhook-signature.js';
import { formatNanoUsd } from '../../src/metering/decimal.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const acmeKey = 'tg_budget_acme_key_0123456789';
const globexKey = 'tg_budget_globex_key_012345678';
const financeKey = 'tg_budget_finance_key_01234567';
const secret = 'whsec_budget_e2e_0123456789';

let gateways: TestGateway[] = [];
let receiver: WebhookReceiver;

const get = async (path: string, key = financeKey) => {
  const response = await fetch(`${gateways[0].url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as any };
};

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-budgets-'));
  const config = {
    providers: { demo: { type: 'mock' } },
    models: { pricey: { provider: 'demo', model: 'echo', price: { input: 1000, output: 1000 } } },
    tenants: {
      acme: { keys: [{ name: 'ci', key: acmeKey }], quotas: { costPerMonthUsd: 1 } },
      globex: { keys: [{ name: 'main', key: globexKey }], quotas: { costPerDayUsd: 5 } },
    },
    operators: [{ name: 'books', key: financeKey, role: 'finance' }],
    storage: { sqlite: join(dataDir, 'tollgate.db'), ledgerFlushMs: 20 },
    alerts: { thresholds: [50, 80], spike: false, checkIntervalMs: 150, webhook: { url: receiver.url, secret, timeoutMs: 2_000 } },
  };
  gateways = [await startTestGateway(config), await startTestGateway(config)];
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  await receiver?.close();
});

describe('a tenant spending through its monthly budget', () => {
  it('sends each threshold once, signed, from one of two gateways, and records it', async () => {
    const clients = gateways.map((gateway) => new OpenAI({ baseURL: gateway.baseURL, apiKey: acmeKey, maxRetries: 0 }));
    const content = 'spend '.repeat(66); // ~100 tokens at 1000 USD per million: about 0.1 USD a call
    let spentPercent = 0;
    for (let call = 0; spentPercent < 80; call++) {
      expect(call).toBeLessThan(20);
      await clients[call % 2].chat.completions.create({ model: 'pricey', max_tokens: 2, messages: [{ role: 'user', content }] });
      const calls = await waitFor(() => get('/admin/calls?tenant=acme&limit=500'), (page) => page.body.data.length === call + 1);
      const spent = calls.body.data.reduce((sum: bigint, row: any) => sum + BigInt(row.cost_nano_usd), 0n);
      spentPercent = Number((spent * 100n) / 1_000_000_000n);
      await waitFor(() => get('/admin/budgets?tenant=acme'), (budgets) => budgets.body.data[0]?.spent === formatNanoUsd(spent));
    }
    await waitFor(async () => receiver.deliveries.length, (count) => count >= 2);
    await new Promise((resolve) => setTimeout(resolve, 800)); // several more checks by both gateways
    expect(receiver.deliveries.map((delivery) => JSON.parse(delivery.body).threshold).sort()).toEqual([50, 80]);
    for (const delivery of receiver.deliveries) {
      expect(verifyWebhookSignature(secret, delivery.headers['x-tollgate-signature'] as string, delivery.body)).toBe(true);
      expect(Math.abs(Number(delivery.headers['x-tollgate-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(JSON.parse(delivery.body)).toMatchObject({ type: 'budget.threshold_crossed', tenant: 'acme', budget: { window: 'month', metric: 'cost_usd', limit: '1.000000000' } });
    }
    const alerts = await get('/admin/alerts');
    expect(alerts.body.data).toHaveLength(2);
    expect(alerts.body.data.every((alert: any) => alert.status === 'delivered' && alert.tenant === 'acme' && alert.attempts === 1)).toBe(true);
    expect(alerts.body.data.map((alert: any) => alert.payload.id).sort()).toEqual(receiver.deliveries.map((delivery) => JSON.parse(delivery.body).id).sort());
  });

  it('shows the budget against the ledger, with burn rate, projection and run-out date', async () => {
    const calls = (await get('/admin/calls?tenant=acme&limit=500')).body.data;
    const spent = calls.reduce((sum: bigint, row: any) => sum + BigInt(row.cost_nano_usd), 0n);
    const { body } = await get('/admin/budgets');
    const acme = body.data.find((budget: any) => budget.tenant === 'acme');
    expect(acme).toMatchObject({ scope: 'tenant', metric: 'cost_usd', window: 'month', limit: '1.000000000', spent: formatNanoUsd(spent), remaining: formatNanoUsd(1_000_000_000n - spent) });
    expect(acme.percent_used).toBe(Number((spent * 10_000n) / 1_000_000_000n) / 100);
    expect(BigInt(acme.projected.replace('.', ''))).toBeGreaterThanOrEqual(spent);
    if (acme.projected_percent >= 100) {
      expect(Date.parse(acme.runs_out_at)).toBeLessThanOrEqual(Date.parse(acme.period_end));
      expect(body.data[0].tenant).toBe('acme'); // the budget that runs out first comes first
    }
    expect(body.data.find((budget: any) => budget.tenant === 'globex')).toMatchObject({ window: 'day', spent: '0.000000000', runs_out_at: null });
  });

  it('shows a tenant key its own budgets and alerts only', async () => {
    const own = await get('/admin/budgets', acmeKey);
    expect(own.body.data.map((budget: any) => budget.tenant)).toEqual(['acme']);
    expect((await get('/admin/budgets?tenant=acme', globexKey)).status).toBe(403);
    expect((await get('/admin/alerts', globexKey)).body.data).toEqual([]);
    expect((await get('/admin/alerts?tenant=acme', globexKey)).status).toBe(403);
    expect((await get('/admin/alerts', acmeKey)).body.data).toHaveLength(2);
  });
});

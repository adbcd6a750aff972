/**
 * Reports end to end, through the real server with the ledger in a SQLite file (written by its
 * thread), then in PostgreSQL: chargeback labels from the OpenAI SDK's `user` and the
 * `x-tollgate-tags` header, the usage report in JSON and CSV matching the call log to the
 * nano-dollar, roles, and `GET /v1/usage` — and the same traffic gives the same reports in both.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNanoUsd } from '../../src/metering/decimal.js';
import { csvObjects } from '../helpers/csv.js';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/start-gateway.js';
import { waitFor } from '../helpers/wait-for.js';
import { freshPostgresDatabase, type FreshPostgres } from '../helpers/postgres.js';

const acmeKey = 'tg_reports_acme_key_0123456789';
const globexKey = 'tg_reports_globex_key_012345678';
const financeKey = 'tg_reports_finance_key_01234567';

let gateway: TestGateway;
let acme: OpenAI;

const get = (path: string, key: string | null = financeKey, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}${path}`, { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

async function allCalls(tenant?: string): Promise<any[]> {
  const response = await get(`/admin/calls?limit=500${tenant ? `&tenant=${tenant}` : ''}`);
  return ((await response.json()) as any).data;
}

const sumCost = (calls: any[]) => formatNanoUsd(calls.reduce((sum, call) => sum + BigInt(call.cost_nano_usd ?? 0), 0n));

/** Reports that must read the same whichever database holds the ledger. */
const comparedReports = [
  '/admin/reports/usage?groupBy=tenant,model,day&tz=Europe/Berlin',
  '/admin/reports/usage?groupBy=end_user,tag&tenant=acme',
  '/admin/reports/usage?groupBy=key,kind,prompt',
  '/admin/reports/usage?groupBy=model,hour&format=csv',
  '/admin/usage?group_by=day,tenant,model',
];
const answers: Record<string, string[]> = {};

describe.each(['sqlite', 'postgres'] as const)('with the ledger in %s', (backend) => {
  let postgres: FreshPostgres | undefined;
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-reports-'));
    postgres = backend === 'postgres' ? await freshPostgresDatabase() : undefined;
    gateway = await startTestGateway({
      providers: { demo: { type: 'mock' } },
      models: {
        demo: { provider: 'demo', model: 'echo', price: { input: 1.5, output: 2.25 } },
        lorem: { provider: 'demo', model: 'lorem', price: { input: 0.15, output: 0.6 } },
      },
      tenants: {
        acme: {
          keys: [{ name: 'ci', key: acmeKey, quotas: { tokensPerDay: 1_000_000 } }],
          quotas: { costPerMonthUsd: '25.5', requestsPerMinute: 1000 },
          timeZone: 'Europe/Berlin',
        },
        globex: { keys: [{ name: 'main', key: globexKey }] },
      },
      operators: [{ name: 'books', key: financeKey, role: 'finance' }],
      storage: { sqlite: join(dataDir, 'tollgate.db'), ledgerFlushMs: 20, ...(postgres ? { postgres: postgres.url } : {}) },
    });
    acme = new OpenAI({ baseURL: gateway.baseURL, apiKey: acmeKey, maxRetries: 0 });
    const tagged = { headers: { 'x-tollgate-tags': 'team=search,feature=autocomplete' } };
    await acme.chat.completions.create({ model: 'demo', user: 'alice', messages: [{ role: 'user', content: 'first question' }] }, tagged);
    await acme.chat.completions.create({ model: 'lorem', user: 'alice', messages: [{ role: 'user', content: 'second' }] }, { headers: { 'x-tollgate-tags': 'team=ads' } });
    const stream = await acme.chat.completions.create({ model: 'lorem', user: 'bob', stream: true, messages: [{ role: 'user', content: 'a stream' }] }, tagged);
    for await (const chunk of stream) void chunk;
    await acme.embeddings.create({ model: 'demo', user: 'carol', input: 'embed me' }, tagged);
    const prompt = await fetch(`${gateway.baseURL}/prompts/sentiment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${acmeKey}`, 'x-tollgate-tags': 'team=search', 'x-tollgate-end-user': 'dave' },
      body: JSON.stringify({ text: 'I love it' }),
    });
    expect(prompt.status).toBe(200);
    await new OpenAI({ baseURL: gateway.baseURL, apiKey: globexKey, maxRetries: 0 }).chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'globex' }] });
    await waitFor(() => allCalls(), (calls) => calls.length === 6);
  });
  afterAll(async () => {
    await gateway?.close();
    await postgres?.drop();
  });

  describe('chargeback labels', () => {
    it('puts the OpenAI user field and the tags header in the ledger for chat, streams, embeddings and prompts', async () => {
      const calls = await allCalls('acme');
      expect(calls.map((call) => JSON.stringify([call.kind, call.end_user, call.tags])).sort()).toEqual(
        [
          ['chat', 'alice', { feature: 'autocomplete', team: 'search' }],
          ['chat', 'alice', { team: 'ads' }],
          ['chat', 'bob', { feature: 'autocomplete', team: 'search' }],
          ['embeddings', 'carol', { feature: 'autocomplete', team: 'search' }],
          ['prompt', 'dave', { team: 'search' }],
        ]
          .map((entry) => JSON.stringify(entry))
          .sort(),
      );
    });

    it('refuses malformed tags with 400 invalid_tags before anything is metered', async () => {
      const error = await acme.chat.completions
        .create({ model: 'demo', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-tollgate-tags': 'team=search,team=ads' } })
        .catch((caught) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error.code).toBe('invalid_tags');
      expectSpecValid('ErrorResponse', error.error === undefined ? {} : { error: error.error });
      const long = await acme.chat.completions.create({ model: 'demo', user: 'u'.repeat(300), messages: [{ role: 'user', content: 'x' }] }).catch((caught) => caught);
      expect(long.status).toBe(400);
      expect(long.param).toBe('user');
      // Refused calls are ledger rows too (issue 14), unlabelled: the reports below count them.
      await waitFor(() => allCalls('acme'), (calls) => calls.filter((call) => call.status === 400).length === 2);
    });
  });

  describe('GET /admin/reports/usage', () => {
    it('groups by end user and tag with costs equal to the call log', async () => {
      const calls = await allCalls('acme');
      const byUser = (await (await get('/admin/reports/usage?groupBy=end_user&tenant=acme')).json()) as any;
      expect(byUser.rollup).toBe('usage_hourly_labels');
      for (const row of byUser.data) {
        const own = calls.filter((call) => call.end_user === row.end_user);
        expect(row.requests).toBe(own.length);
        expect(row.cost_usd).toBe(sumCost(own));
      }
      expect(byUser.totals.cost_usd).toBe(sumCost(calls));
      const search = (await (await get('/admin/reports/usage?tag=team=search&groupBy=kind')).json()) as any;
      expect(search.totals.requests).toBe(4);
      const byTag = (await (await get('/admin/reports/usage?groupBy=tag&tenant=acme')).json()) as any;
      expect(Object.fromEntries(byTag.data.map((row: any) => [row.tag, row.requests]))).toEqual({ 'feature=autocomplete': 3, 'team=ads': 1, 'team=search': 4, null: 2 });
    });

    it('streams the same figures as RFC 4180 CSV with exact decimal money', async () => {
      const query = 'groupBy=tenant,model,day&tz=Europe/Berlin';
      const json = (await (await get(`/admin/reports/usage?${query}`)).json()) as any;
      const response = await get(`/admin/reports/usage?${query}&format=csv`);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="tollgate-usage-.*\.csv"$/);
      const text = await response.text();
      expect(text.startsWith('day,tenant,model,requests,errors,input_tokens,')).toBe(true);
      const rows = csvObjects(text);
      expect(rows).toHaveLength(json.data.length);
      rows.forEach((row, index) => {
        const expected = json.data[index];
        expect(row.cost_usd).toBe(expected.cost_usd);
        expect(row.cost_usd).toMatch(/^\d+\.\d{9}$/);
        // CSV has no null: an empty field stands for it (the refused calls have no model).
        expect([row.day, row.tenant, row.model || null, Number(row.requests), Number(row.output_tokens)]).toEqual([expected.day, expected.tenant, expected.model, expected.requests, expected.output_tokens]);
      });
      const viaAccept = await get(`/admin/reports/usage?${query}`, financeKey, { accept: 'text/csv' });
      expect(await viaAccept.text()).toBe(text);
    });

    it('lets admin and finance see every tenant and a tenant key only its own', async () => {
      const all = (await (await get('/admin/reports/usage?groupBy=tenant')).json()) as any;
      expect(all.data.map((row: any) => row.tenant)).toEqual(['acme', 'globex']);
      const asAdmin = (await (await get('/admin/reports/usage?groupBy=tenant', testAdminKey)).json()) as any;
      expect(asAdmin.data).toEqual(all.data);
      const own = (await (await get('/admin/reports/usage?groupBy=tenant', acmeKey)).json()) as any;
      expect(own.data.map((row: any) => row.tenant)).toEqual(['acme']);
      expect(own.totals.cost_usd).toBe(all.data[0].cost_usd);
      const other = await get('/admin/reports/usage?tenant=globex', acmeKey);
      expect(other.status).toBe(403);
      expect(((await other.json()) as any).error.code).toBe('tenant_not_allowed');
      expect((await get('/admin/reports/usage', null)).status).toBe(401);
      expect((await get('/admin/calls?tenant=globex', acmeKey)).status).toBe(403);
      expect(((await (await get('/admin/calls', acmeKey)).json()) as any).data.every((call: any) => call.tenant_id === 'acme')).toBe(true);
      expect((await get('/admin/tenants', acmeKey)).status).toBe(403);
    });

    it('refuses finance anything but reading', async () => {
      const created = await fetch(`${gateway.url}/admin/tenants`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${financeKey}` },
        body: JSON.stringify({ id: 'sneaky' }),
      });
      expect(created.status).toBe(403);
      const bad = await get('/admin/reports/usage?groupBy=colour');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as any).error.param).toBe('groupBy');
    });
  });

  describe('GET /v1/usage', () => {
    it('returns the tenant key\'s own spend and what is left of every quota window', async () => {
      const response = await get('/v1/usage', acmeKey);
      expect(response.status).toBe(200);
      const usage = (await response.json()) as any;
      const calls = await allCalls('acme');
      expect(usage.tenant).toBe('acme');
      expect(usage.time_zone).toBe('Europe/Berlin');
      expect(usage.spend.this_month.cost_usd).toBe(sumCost(calls));
      expect(usage.key_spend.today.requests).toBe(calls.length);
      const month = usage.quotas.find((quota: any) => quota.metric === 'cost_usd' && quota.window === 'month');
      expect(month).toMatchObject({ scope: 'tenant', limit: '25.500000000', used: sumCost(calls) });
      expect(BigInt(month.remaining.replace('.', ''))).toBe(25_500_000_000n - BigInt(sumCost(calls).replace('.', '')));
      const tokens = usage.quotas.find((quota: any) => quota.metric === 'tokens' && quota.scope === 'key');
      const usedTokens = calls.reduce((sum, call) => sum + call.input_tokens + call.cached_input_tokens + call.cache_write_tokens + call.output_tokens + call.reasoning_tokens, 0);
      expect(tokens).toMatchObject({ window: 'day', limit: 1_000_000, used: usedTokens, remaining: 1_000_000 - usedTokens });
      expect(usage.quotas.some((quota: any) => quota.metric === 'requests' && quota.window === 'minute')).toBe(true);
      expect((await get('/v1/usage', financeKey)).status).toBe(403);
    });
  });

  it('answers the compared reports (kept for the comparison below)', async () => {
    answers[backend] = [];
    for (const path of comparedReports) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      answers[backend].push(await response.text());
    }
  });
});

describe('the same traffic on SQLite and PostgreSQL', () => {
  it('gives the same reports, byte for byte', () => {
    expect(answers.postgres).toHaveLength(comparedReports.length);
    comparedReports.forEach((path, index) => expect(answers.postgres[index], path).toBe(answers.sqlite[index]));
  });
});

/**
 * The dashboard in a real browser (Debian's headless Chromium, driven by playwright-core): sign
 * in with a finance key, move through last month and the filters, check every total on the page
 * against the report API for the same filters, download the CSV and compare it, find the budget
 * that runs out first, follow a budget alert, sign out — and be refused without a key or with a
 * tenant key asking for another tenant. With TOLLGATE_SCREENSHOTS=1 it also saves the screenshots
 * shown in the README to docs/.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { csvObjects } from '../helpers/csv.js';
import { launchBrowser, type BrowserSession } from '../helpers/browser.js';
import { seedLedger } from '../helpers/seed-ledger.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { waitFor } from '../helpers/wait-for.js';

/** Browser globals, inside the functions `page.evaluate` runs in the page (this project's types are Node's). */
declare const document: any;
declare const window: any;

const financeKey = 'tg_dash_finance_key_0123456789';
const acmeKey = 'tg_dash_acme_key_0123456789ab';
const screenshots = process.env.TOLLGATE_SCREENSHOTS === '1';

let gateway: TestGateway;
let browser: BrowserSession;
let page: Page;

async function api(path: string, key = financeKey): Promise<any> {
  const response = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status, path).toBe(200);
  return response.json();
}

/** Waits until every view section and table on the page has finished loading. */
async function settled(): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('[data-loading="true"]').length === 0 && !document.querySelector('.loading'));
}

async function shoot(name: string): Promise<void> {
  if (screenshots) await page.screenshot({ path: join('docs', 'screenshots', name), fullPage: true });
}

const exactOf = (testId: string) => page.locator(`[data-testid="${testId}"] [data-exact]`).first().getAttribute('data-exact');

/** The page's filters as report parameters. */
async function pageFilters(): Promise<URLSearchParams> {
  const hash = new URLSearchParams(await page.evaluate(() => window.location.hash.slice(1)));
  const params = new URLSearchParams();
  for (const name of ['from', 'to', 'tz', 'tenant', 'model', 'tag']) if (hash.get(name)) params.set(name, hash.get(name)!);
  return params;
}

async function expectTotalsMatchApi(key = financeKey): Promise<any> {
  await settled();
  const report = await api(`/admin/reports/usage?groupBy=day&${await pageFilters()}`, key);
  expect(await exactOf('total-cost')).toBe(report.totals.cost_usd);
  expect(Number(await exactOf('total-requests'))).toBe(report.totals.requests);
  const tokens = report.totals.input_tokens + report.totals.cached_input_tokens + report.totals.cache_write_tokens + report.totals.output_tokens + report.totals.reasoning_tokens;
  expect(Number(await exactOf('total-tokens'))).toBe(tokens);
  return report;
}

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'tollgate-dashboard-'));
  process.env.TOLLGATE_DASHBOARD_DIR = join(folder, 'dashboard');
  await buildDashboard(process.env.TOLLGATE_DASHBOARD_DIR);
  const sqlite = join(folder, 'tollgate.db');
  await seedLedger(sqlite, [
    { id: 'acme', keys: ['cfg_acme_web', 'cfg_acme_batch'], callCost: 41_000_000, monthSpend: 30_000_000_000 },
    { id: 'globex', keys: ['cfg_globex_main'], callCost: 27_500_000, monthSpend: 18_000_000_000 },
    { id: 'initech', keys: ['cfg_initech_main'], callCost: 9_000_000, monthSpend: 1_000_000_000 },
  ]);
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    models: { demo: { provider: 'demo', model: 'echo' } },
    tenants: {
      acme: { keys: [{ name: 'web', key: acmeKey }, { name: 'batch', key: 'tg_dash_acme_batch_0123456789' }], quotas: { costPerMonthUsd: 50 } },
      globex: { keys: [{ name: 'main', key: 'tg_dash_globex_key_0123456789' }], quotas: { costPerMonthUsd: 20 } },
      initech: { keys: [{ name: 'main', key: 'tg_dash_initech_key_012345678' }] },
    },
    operators: [{ name: 'books', key: financeKey, role: 'finance' }],
    storage: { sqlite, ledgerFlushMs: 50 },
    alerts: { thresholds: [50, 80], spike: false, checkIntervalMs: 200 },
  });
  browser = await launchBrowser();
  page = await browser.context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

describe('the dashboard in Chromium', () => {
  it('is refused without a key: the page asks for one and the API answers 401', async () => {
    await page.goto(`${gateway.url}/dashboard`);
    await page.getByTestId('sign-in').waitFor();
    const status = await page.evaluate(() => fetch('/admin/reports/usage').then((response) => response.status));
    expect(status).toBe(401);
    await page.fill('#key', 'tg_not_a_key_at_all_00000000');
    await page.click('button[type=submit]');
    await expect(page.getByTestId('sign-in-error').textContent()).resolves.toMatch(/Incorrect API key/);
  });

  it('signs finance in with an HttpOnly, SameSite=Strict cookie and keeps the key out of the URL and storage', async () => {
    await page.fill('#key', financeKey);
    await page.click('button[type=submit]');
    await page.getByTestId('overview').waitFor();
    const cookies = await browser.context.cookies(gateway.url);
    expect(cookies).toEqual([expect.objectContaining({ name: 'tollgate_session', httpOnly: true, sameSite: 'Strict', secure: false, path: '/' })]);
    expect(page.url()).not.toContain(financeKey);
    const stored = await page.evaluate(() => JSON.stringify({ ...window.localStorage }) + JSON.stringify({ ...window.sessionStorage }) + document.cookie);
    expect(stored).toBe('{}{}');
    await expect(page.getByTestId('who').textContent()).resolves.toContain('finance');
  });

  it("shows last month's cost by tenant and model, equal to the API to the nano-dollar", async () => {
    await page.click('[data-preset="last-month"]');
    const report = await expectTotalsMatchApi();
    expect(BigInt(report.totals.cost_usd.replace('.', ''))).toBeGreaterThan(0n);
    const byTenant = await api(`/admin/reports/usage?groupBy=tenant&${await pageFilters()}`);
    const cells = await page.locator('[data-testid="top-tenant"] tbody tr').evaluateAll((rows) =>
      rows.map((row) => [row.querySelector('[data-column="tenant"]')!.textContent, row.querySelector('[data-column="cost_usd"] [data-exact]')!.getAttribute('data-exact')]),
    );
    const expected = [...byTenant.data].sort((a: any, b: any) => (BigInt(b.cost_usd.replace('.', '')) > BigInt(a.cost_usd.replace('.', '')) ? 1 : -1));
    expect(cells).toEqual(expected.map((row: any) => [row.tenant, row.cost_usd]));
    await shoot('dashboard-overview.png');
    await page.click('[data-stack="model"]');
    await settled();
    const byModel = await api(`/admin/reports/usage?groupBy=model&${await pageFilters()}`);
    const modelRows = await page.locator('[data-testid="tokens-chart"]').count();
    expect(modelRows).toBe(1);
    expect(byModel.data.map((row: any) => row.model).sort()).toEqual(['claude-sonnet', 'gemini-flash', 'gpt-4o']);
  });

  it('keeps the totals equal to the API as tenant, model and tag filters change', async () => {
    await page.selectOption('select[name="tenant"]', 'globex');
    await expectTotalsMatchApi();
    await page.selectOption('select[name="model"]', 'claude-sonnet');
    await expectTotalsMatchApi();
    await page.fill('input[name="tag"]', 'team=search');
    await page.press('input[name="tag"]', 'Enter');
    await page.locator('input[name="tag"]').blur();
    await waitFor(async () => (await pageFilters()).get('tag'), (tag) => tag === 'team=search');
    const tagged = await expectTotalsMatchApi();
    expect(tagged.totals.requests).toBeGreaterThan(0);
    // Sorting a table reorders it without changing a figure.
    await page.click('[data-testid="top-key"] [data-sort="requests"]');
    await expect(page.locator('[data-testid="top-key"] th[aria-sort="descending"]').count()).resolves.toBe(1);
    await page.selectOption('select[name="model"]', '');
    await page.fill('input[name="tag"]', '');
    await page.locator('input[name="tag"]').blur();
    await page.selectOption('select[name="tenant"]', '');
    await expectTotalsMatchApi();
  });

  it('downloads the CSV of the current view, equal to the API figures', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-csv"]')]);
    const csv = csvObjects(readFileSync((await download.path())!, 'utf8'));
    const report = await api(`/admin/reports/usage?groupBy=day,model&${await pageFilters()}`);
    expect(csv.map((row) => [row.day, row.model, row.cost_usd, Number(row.requests)])).toEqual(report.data.map((row: any) => [row.day, row.model, row.cost_usd, row.requests]));
    const total = csv.reduce((sum, row) => sum + BigInt(row.cost_usd.replace('.', '')), 0n);
    expect(total).toBe(BigInt(report.totals.cost_usd.replace('.', '')));
  });

  it('shows which budget runs out first and when, as the API computes it', async () => {
    await page.click('[data-view="budgets"]');
    await settled();
    const budgets = await api('/admin/budgets');
    const first = budgets.data.find((budget: any) => budget.runs_out_at !== null);
    const callout = page.getByTestId('runs-out-first');
    await expect(callout.textContent()).resolves.toContain(first.tenant);
    // A projection moves with the clock: the page's and this later answer agree to the minute.
    const shown = await callout.locator('[data-exact]').getAttribute('data-exact');
    expect(Math.abs(Date.parse(shown!) - Date.parse(first.runs_out_at))).toBeLessThan(120_000);
    const spent = await page.locator('[data-testid="budgets-table"] tbody tr').evaluateAll((rows) =>
      rows.map((row) => [row.querySelector('[data-column="tenant"]')!.textContent, row.querySelector('[data-column="spent"] [data-exact]')!.getAttribute('data-exact')]),
    );
    expect(spent.sort()).toEqual(budgets.data.map((budget: any) => [budget.tenant, budget.spent]).sort());
    await page.getByTestId('burn-down-chart').waitFor();
    await shoot('dashboard-budgets.png');
  });

  it('follows a budget alert to that budget', async () => {
    const alerts = await waitFor(() => api('/admin/alerts'), (page) => page.data.length === 3);
    expect(alerts.data.map((alert: any) => `${alert.tenant} ${alert.payload.threshold}`).sort()).toEqual(['acme 50', 'globex 50', 'globex 80']);
    await page.click('[data-view="alerts"]');
    await settled();
    const rows = page.locator('[data-testid="alerts-table"] tbody tr');
    await expect(rows.count()).resolves.toBeGreaterThanOrEqual(3);
    const globexAlert = rows.filter({ hasText: 'globex' }).first();
    await globexAlert.getByTestId('open-budget').click();
    await page.getByTestId('burn-down').waitFor();
    await expect(page.getByTestId('burn-down').getAttribute('data-budget')).resolves.toBe('tenant:globex:cost_usd:month');
    await expect(page.locator('select[name="tenant"]').inputValue()).resolves.toBe('globex');
  });

  it('shows performance trends and pages through the call log', async () => {
    await page.selectOption('select[name="tenant"]', '');
    await page.click('[data-preset="last-month"]');
    await page.click('[data-view="performance"]');
    await settled();
    const trends = await api(`/admin/reports/trends?groupBy=provider,day&${await pageFilters()}`);
    await expect(page.locator('[data-testid="trends-table"] tbody tr').count()).resolves.toBe(trends.data.length);
    await shoot('dashboard-performance.png');
    await page.click('[data-view="calls"]');
    await settled();
    await expect(page.locator('[data-testid="calls-table"] tbody tr').count()).resolves.toBe(50);
    const firstPage = await page.locator('[data-testid="calls-table"] tbody tr').first().textContent();
    await page.click('[data-testid="next-page"]');
    await settled();
    await expect(page.locator('[data-testid="calls-table"] tbody tr').first().textContent()).resolves.not.toBe(firstPage);
    await page.selectOption('select[name="status"]', '5xx');
    await settled();
    const errors = await page.locator('[data-testid="calls-table"] [data-column="status"]').allTextContents();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((status) => status === '502')).toBe(true);
    await page.selectOption('select[name="status"]', '');
    await page.selectOption('select[name="kind"]', 'prompt');
    await settled();
    const kinds = await page.locator('[data-testid="calls-table"] [data-column="kind"]').allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.every((kind) => kind === 'prompt')).toBe(true);
    await page.selectOption('select[name="kind"]', '');
  });

  it('is usable on a phone: nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('[data-view="overview"]');
    await settled();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await shoot('dashboard-phone.png');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('signs out: the cookie is gone and the API refuses the page', async () => {
    await page.click('[data-testid="sign-out"]');
    await page.getByTestId('sign-in').waitFor();
    expect(await browser.context.cookies(gateway.url)).toEqual([]);
    await expect(page.evaluate(() => fetch('/admin/budgets').then((response) => response.status))).resolves.toBe(401);
  });

  it("gives a tenant key its own view and refuses another tenant's figures", async () => {
    await page.fill('#key', acmeKey);
    await page.click('button[type=submit]');
    await page.getByTestId('overview').waitFor();
    await expect(page.locator('select[name="tenant"]').count()).resolves.toBe(0);
    await page.click('[data-preset="last-month"]');
    const own = await expectTotalsMatchApi(acmeKey);
    const acmeOnly = await api(`/admin/reports/usage?tenant=acme&${await pageFilters()}`);
    expect(own.totals.cost_usd).toBe(acmeOnly.totals.cost_usd);
    await expect(page.evaluate(() => fetch('/admin/reports/usage?tenant=globex').then((response) => response.status))).resolves.toBe(403);
    await page.evaluate(() => (window.location.hash = window.location.hash.replace(/tenant=[^&]*/, '') + '&tenant=globex'));
    await page.reload();
    await expect(page.getByTestId('view-error').textContent()).resolves.toMatch(/sees only that tenant/);
  });
});

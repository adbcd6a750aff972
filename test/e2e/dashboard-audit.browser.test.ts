/**
 * The dashboard's audit view in a real browser (Chromium through playwright-core): an admin sees
 * the audit trail the API returns, filters it by action, actor, target and date, pages through it
 * with the API's cursor, and opens a change to see its before and after as a diff; a finance
 * session has no audit view and the API refuses it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { launchBrowser, type BrowserSession } from '../helpers/browser.js';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/start-gateway.js';

/** Browser globals, inside the functions `page.evaluate` runs in the page. */
declare const document: any;

const financeKey = 'tg_audit_finance_key_012345678';
let gateway: TestGateway;
let browser: BrowserSession;
let page: Page;

async function admin(path: string, init: { method?: string; body?: unknown } = {}): Promise<any> {
  const response = await fetch(`${gateway.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  expect(response.status, path).toBeLessThan(300);
  return response.json();
}

async function settled(): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('[data-loading="true"]').length === 0 && !document.querySelector('.loading'));
}

/** The audit ids the page's table shows, in order. */
const shownIds = () => page.locator('[data-testid="audit-table"] tr[data-audit-id]').evaluateAll((rows) => rows.map((row: any) => Number(row.getAttribute('data-audit-id'))));

beforeAll(async () => {
  const folder = mkdtempSync(join(tmpdir(), 'tollgate-dashboard-audit-'));
  process.env.TOLLGATE_DASHBOARD_DIR = join(folder, 'dashboard');
  await buildDashboard(process.env.TOLLGATE_DASHBOARD_DIR);
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    models: { demo: { provider: 'demo', model: 'echo' } },
    operators: [{ name: 'books', key: financeKey, role: 'finance' }],
    storage: { sqlite: join(folder, 'tollgate.db') },
  });
  await admin('/admin/tenants', { method: 'POST', body: { id: 'audited', quotas: { requestsPerMinute: 10 } } });
  // 30 quota changes: more than one page of 25.
  for (let perMinute = 11; perMinute <= 40; perMinute++) await admin('/admin/tenants/audited', { method: 'PATCH', body: { quotas: { requestsPerMinute: perMinute } } });
  await admin('/admin/tenants', { method: 'POST', body: { id: 'other' } });
  browser = await launchBrowser();
  page = await browser.context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

describe('the audit view', () => {
  it('shows an admin the newest page of the trail, as the API returns it', async () => {
    await page.goto(`${gateway.url}/dashboard`);
    await page.fill('#key', testAdminKey);
    await page.click('button[type=submit]');
    await page.getByTestId('overview').waitFor();
    await page.click('[data-view="audit"]');
    await page.getByTestId('audit').waitFor();
    await settled();
    const today = new Date().toISOString().slice(0, 10);
    const api = await admin(`/admin/audit?limit=25&from=${today}T00:00:00.000Z&to=${today}T23:59:59.999Z`);
    expect(await shownIds()).toEqual(api.data.map((row: any) => row.id));
    expect(api.data).toContainEqual(expect.objectContaining({ action: 'tenant.create', target_id: 'other' }));
  });

  it('filters by action and target, and pages with the cursor to the end', async () => {
    await page.selectOption('select[name="action"]', 'tenant.update');
    await page.fill('input[name="target"]', 'audited');
    await page.locator('input[name="target"]').dispatchEvent('change');
    await settled();
    const first = await admin('/admin/audit?action=tenant.update&target=audited&limit=25');
    expect(first.data).toHaveLength(25);
    expect(await shownIds()).toEqual(first.data.map((row: any) => row.id));
    await page.click('[data-testid="audit-next-page"]');
    await settled();
    const second = await admin(`/admin/audit?action=tenant.update&target=audited&limit=25&cursor=${first.next_cursor}`);
    expect(second.data).toHaveLength(5);
    expect(await shownIds()).toEqual(second.data.map((row: any) => row.id));
    await expect(page.getByTestId('audit-next-page').isDisabled()).resolves.toBe(true);
    await page.click('[data-testid="audit-previous-page"]');
    await settled();
    expect(await shownIds()).toEqual(first.data.map((row: any) => row.id));
  });

  it('opens a change to show what it changed, before and after', async () => {
    const [latest] = (await admin('/admin/audit?action=tenant.update&target=audited&limit=1')).data;
    expect(latest.before.quotas.requestsPerMinute).toBe(39);
    await page.click(`tr[data-audit-id="${latest.id}"]`);
    const line = page.locator('[data-testid="audit-diff"] tr[data-path="quotas.requestsPerMinute"]');
    await expect(line.locator('.before').textContent()).resolves.toBe('39');
    await expect(line.locator('.after').textContent()).resolves.toBe('40');
    await expect(line.getAttribute('class')).resolves.toBe('diff-changed');
    // Only what changed is listed.
    await expect(page.locator('[data-testid="audit-diff"] tr[data-path]').count()).resolves.toBe(1);
  });

  it('filters by actor and by a date range with nothing in it', async () => {
    await page.selectOption('select[name="action"]', '');
    await page.fill('input[name="target"]', '');
    await page.locator('input[name="target"]').dispatchEvent('change');
    await page.fill('input[name="actor"]', 'nobody');
    await page.locator('input[name="actor"]').dispatchEvent('change');
    // Waits for the filtered answer: right after the change event the page may not be loading yet.
    await page.getByTestId('audit-table').getByText('No audit events match.').waitFor({ timeout: 10_000 });
    await page.fill('input[name="actor"]', '');
    await page.locator('input[name="actor"]').dispatchEvent('change');
    // Events again once the actor filter is gone, so the empty table below is the date range's doing.
    await page.locator('[data-testid="audit-table"] tr[data-audit-id]').first().waitFor({ timeout: 10_000 });
    await page.fill('input[name="audit-from"]', '2020-01-01');
    await page.fill('input[name="audit-to"]', '2020-01-31');
    await settled();
    await page.getByTestId('audit-table').getByText('No audit events match.').waitFor({ timeout: 10_000 });
  });

  it('is not offered to finance, whom the API refuses', async () => {
    await page.click('[data-testid="sign-out"]');
    await page.getByTestId('sign-in').waitFor();
    await page.fill('#key', financeKey);
    await page.click('button[type=submit]');
    await page.getByTestId('overview').waitFor();
    await expect(page.locator('[data-view="audit"]').count()).resolves.toBe(0);
    await expect(page.evaluate(() => fetch('/admin/audit').then((response) => response.status))).resolves.toBe(403);
  });
});

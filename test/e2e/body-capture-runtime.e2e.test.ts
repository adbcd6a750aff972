/**
 * Body capture for tenants created at runtime (issue 14): a tenant made through the admin API or
 * the CLI can allow or disallow capture (`allowBodyCapture`, `--body-capture allow|deny`); the
 * value is validated, stored, shown, audited with before and after, in force on the next request —
 * and a tenant that disallows it is never captured, though `logs.bodyCapture.tenants` lists it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputOf, runCli } from '../helpers/run-cli.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { waitFor } from '../helpers/wait-for.js';

const adminKey = 'tg_capture_admin_key_012345678';
let gateway: SpawnedGateway;
let configPath: string;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-capture-'));
  configPath = join(dataDir, 'tollgate.yaml');
  gateway = await spawnGateway(
    configPath,
    `
server: { host: 127.0.0.1 }
providers: { demo: { type: mock } }
models: { demo: { provider: demo, model: echo } }
storage: { sqlite: ./tollgate.db, ledgerFlushMs: 20 }
logs:
  bodyCapture: { enabled: true, tenants: [open, closed, toggled, by-cli] }
`,
    { TOLLGATE_ADMIN_KEY: adminKey },
  );
}, 60_000);
afterAll(async () => {
  await gateway?.stop('SIGKILL');
});

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

let keysMade = 0;
async function keyFor(tenant: string): Promise<string> {
  const response = await admin('POST', `/admin/tenants/${tenant}/keys`, { name: `key-${++keysMade}` });
  expect(response.status).toBe(201);
  return ((await response.json()) as { key: string }).key;
}

/** Makes one call whose prompt names `marker`, and returns its request id. */
async function call(key: string, marker: string): Promise<string> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: `capture marker ${marker}` }] }),
  });
  expect(response.status).toBe(200);
  await response.text();
  return response.headers.get('x-request-id')!;
}

const captures = () =>
  gateway
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((line) => line.message === 'body capture');

describe('allowBodyCapture on tenants created at runtime', () => {
  it('is validated, stored and shown by the admin API', async () => {
    const wrong = await admin('POST', '/admin/tenants', { id: 'bad', allowBodyCapture: 'no' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as any).error.message).toMatch(/allowBodyCapture/);
    expect(((await (await admin('POST', '/admin/tenants', { id: 'open' })).json()) as any).allowBodyCapture).toBe(true);
    expect(((await (await admin('POST', '/admin/tenants', { id: 'closed', allowBodyCapture: false })).json()) as any).allowBodyCapture).toBe(false);
    expect(((await (await admin('GET', '/admin/tenants/closed')).json()) as any).allowBodyCapture).toBe(false);
  });

  it('captures a listed tenant that allows it, never one that disallows it, and follows a change on the next request', async () => {
    const open = await call(await keyFor('open'), 'open-1');
    const closed = await call(await keyFor('closed'), 'closed-1');
    expect((await admin('POST', '/admin/tenants', { id: 'toggled' })).status).toBe(201);
    const toggledKey = await keyFor('toggled');
    const before = await call(toggledKey, 'toggled-before');
    expect((await admin('PATCH', '/admin/tenants/toggled', { allowBodyCapture: false })).status).toBe(200);
    const after = await call(toggledKey, 'toggled-after');
    await waitFor(() => captures().some((line) => line.request_id === before) && captures().some((line) => line.request_id === open), Boolean);
    // Captures are written as the calls end: give a late one time to appear before asserting its absence.
    await call(await keyFor('open'), 'open-2');
    await waitFor(() => captures().some((line) => String(line.request_body).includes('open-2')), Boolean);
    const captured = captures().map((line) => line.request_id);
    expect(captured).toContain(open);
    expect(captured).toContain(before);
    expect(captured).not.toContain(closed);
    expect(captured).not.toContain(after);
    expect(gateway.stdout()).not.toContain('closed-1');
    expect(gateway.stdout()).not.toContain('toggled-after');
  });

  it('is in the audit trail with before and after', async () => {
    const response = await admin('GET', '/admin/audit?action=tenant.update&target=toggled');
    const [event] = ((await response.json()) as any).data;
    expect(event.before.allowBodyCapture).toBe(true);
    expect(event.after.allowBodyCapture).toBe(false);
  });

  it('is set by the CLI (--body-capture allow|deny), validated, audited, and in force on the next request', async () => {
    const cli = (...args: string[]) => runCli([...args, '--config', configPath]);
    const wrong = await cli('tenants', 'create', 'by-cli', '--body-capture', 'maybe');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/--body-capture takes allow or deny/);
    expect(outputOf(await cli('tenants', 'create', 'by-cli', '--body-capture', 'deny')).allowBodyCapture).toBe(false);
    const key = await keyFor('by-cli');
    const denied = await call(key, 'cli-denied');
    expect(outputOf(await cli('tenants', 'update', 'by-cli', '--body-capture', 'allow')).allowBodyCapture).toBe(true);
    const allowed = await call(key, 'cli-allowed');
    await waitFor(() => captures().some((line) => line.request_id === allowed), Boolean);
    expect(captures().map((line) => line.request_id)).not.toContain(denied);
    const audit = ((await (await admin('GET', '/admin/audit?action=tenant.update&target=by-cli')).json()) as any).data[0];
    expect(audit).toMatchObject({ before: { allowBodyCapture: false }, after: { allowBodyCapture: true } });
  });
});

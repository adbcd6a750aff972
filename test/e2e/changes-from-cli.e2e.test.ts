/**
 * A key, a revocation or a tenant change made by another process — the CLI beside a running
 * gateway, or a second gateway's admin API on the same database — is in force for the very next
 * request: no waiting for a refresh timer. On PostgreSQL (the postgres test pass, no Redis here)
 * within a second: the once-a-second check of the change counters brings it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputOf, runCli } from '../helpers/run-cli.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { answerAfterChange } from '../helpers/test-storage.js';

const adminKey = 'tg_changes_admin_key_0123456789';
let dataDir: string;
let configPath: string;
let first: SpawnedGateway;
let second: SpawnedGateway;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tollgate-changes-'));
  const yaml = `
providers: { demo: { type: mock } }
models: { demo: { provider: demo, model: echo }, other: { provider: demo, model: lorem } }
storage: { sqlite: ./tollgate.db, ledgerFlushMs: 20 }
`;
  configPath = join(dataDir, 'tollgate.yaml');
  first = await spawnGateway(configPath, yaml, { TOLLGATE_ADMIN_KEY: adminKey });
  second = await spawnGateway(join(dataDir, 'second.yaml'), yaml, { TOLLGATE_ADMIN_KEY: adminKey });
}, 60_000);
afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
});

const cli = (...args: string[]) => runCli([...args, '--config', configPath]);
const chat = (gateway: SpawnedGateway, key: string, model = 'demo') =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('changes made by the CLI in another process', () => {
  it('a key, its scope, its revocation and its tenant deletion apply to the very next request', async () => {
    outputOf(await cli('tenants', 'create', 'acme', '--requests-per-minute', '100'));
    for (let round = 0; round < 2; round++) {
      const created = outputOf(await cli('keys', 'create', '--tenant', 'acme', '--name', `ci-${round}`));
      // No pause: the command has exited, the next request must see its key (within a second on PostgreSQL).
      expect((await answerAfterChange(() => chat(first, created.key), 200)).status).toBe(200);
      expect((await answerAfterChange(() => chat(second, created.key), 200)).status).toBe(200);
      outputOf(await cli('keys', 'revoke', created.id));
      const revoked = await answerAfterChange(() => chat(first, created.key), 401);
      expect(revoked.status).toBe(401);
      expect(((await revoked.json()) as any).error.code).toBe('revoked_api_key');
    }
    const key = outputOf(await cli('keys', 'create', '--tenant', 'acme', '--name', 'live')).key;
    expect((await answerAfterChange(() => chat(first, key, 'other'), 200)).status).toBe(200);
    outputOf(await cli('tenants', 'update', 'acme', '--models', 'demo'));
    const refused = await answerAfterChange(() => chat(first, key, 'other'), 403);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.message).toContain('The tenant `acme` may not use the model `other`');
    outputOf(await cli('tenants', 'delete', 'acme'));
    expect((await answerAfterChange(() => chat(first, key), 401)).status).toBe(401);
  }, 240_000);

  it('an admin API change on one gateway applies at once on the other', async () => {
    const admin = (path: string, body?: unknown) =>
      fetch(`${first.url}/admin${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then((response) => response.json() as Promise<any>);
    await admin('/tenants', { id: 'beta' });
    const created = await admin('/tenants/beta/keys', { name: 'app' });
    expect((await answerAfterChange(() => chat(second, created.key), 200)).status).toBe(200);
    await admin(`/keys/${created.id}/revoke`);
    expect((await answerAfterChange(() => chat(second, created.key), 401)).status).toBe(401);
  });
});

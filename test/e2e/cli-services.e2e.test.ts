/**
 * `tollgate tenants --services` beside a running gateway: the CLI (a separate process, on the same
 * database) sets which REST services a tenant may call, and the gateway enforces it from the next
 * request — symmetric with `--models`. Unknown service names are refused, for tenants and keys.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fakes/fake-upstream.js';
import { outputOf, runCli } from '../helpers/run-cli.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';

let service: FakeUpstream;
let gateway: SpawnedGateway;
let configPath: string;

beforeAll(async () => {
  service = await startFakeUpstream((request) => ({ json: { path: request.path } }));
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-cli-services-'));
  configPath = join(dataDir, 'tollgate.yaml');
  gateway = await spawnGateway(
    configPath,
    `
providers: { demo: { type: mock } }
models: { demo: { provider: demo, model: echo } }
services:
  billing: { mount: /proxy/billing, targets: [{ url: "${service.url}" }] }
  search: { mount: /proxy/search, targets: [{ url: "${service.url}" }] }
storage: { sqlite: ./tollgate.db, ledgerFlushMs: 20 }
`,
  );
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await service?.close();
});

const cli = (...args: string[]) => runCli([...args, '--config', configPath]);
const call = (key: string, mount: string) => fetch(`${gateway.url}${mount}/invoices`, { headers: { authorization: `Bearer ${key}` } });

describe('tollgate tenants --services', () => {
  it('sets the services a tenant may call, in force at the next request, and shows them', async () => {
    const created = outputOf(await cli('tenants', 'create', 'acme', '--services', 'billing'));
    expect(created.services).toEqual(['billing']);
    const { key } = outputOf(await cli('keys', 'create', '--tenant', 'acme', '--name', 'app'));
    expect((await call(key, '/proxy/billing')).status).toBe(200);
    const refused = await call(key, '/proxy/search');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error).toMatchObject({ code: 'service_not_allowed' });

    const updated = outputOf(await cli('tenants', 'update', 'acme', '--services', 'search'));
    expect(updated.services).toEqual(['search']);
    expect((await call(key, '/proxy/search')).status).toBe(200);
    expect((await call(key, '/proxy/billing')).status).toBe(403);
    expect(outputOf(await cli('tenants', 'show', 'acme')).services).toEqual(['search']);
  }, 120_000);

  it('refuses a service the configuration does not proxy, naming the configured ones, for tenants and keys', async () => {
    const typo = await cli('tenants', 'create', 'beta', '--services', 'biling');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('--services names a service not configured: "biling"; configured services: billing, search');
    expect((await cli('tenants', 'show', 'beta')).code).toBe(1);
    const keyTypo = await cli('keys', 'create', '--tenant', 'acme', '--name', 'typo', '--services', 'serch');
    expect(keyTypo.code).toBe(1);
    expect(keyTypo.stderr).toContain('"serch"');
  }, 120_000);
});

/**
 * The admin API when nobody set it up: start-up says it is disabled and how to enable it, every
 * `/admin` call answers with the same explanation (not "Incorrect API key"), an operator key made
 * with the CLI enables it at once; and an admin key shorter than 16 characters stops start-up.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSpecValid } from '../helpers/openapi.js';
import { outputOf, runCli } from '../helpers/run-cli.js';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { answerAfterChange } from '../helpers/test-storage.js';

const yaml = `
providers: { demo: { type: mock } }
models: { demo: { provider: demo, model: echo } }
storage: { sqlite: ./tollgate.db }
`;
let dataDir: string;
let gateway: SpawnedGateway;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tollgate-admin-setup-'));
  gateway = await spawnGateway(join(dataDir, 'tollgate.yaml'), yaml, { TOLLGATE_ADMIN_KEY: '' });
}, 60_000);
afterAll(() => gateway?.stop());

describe('the admin API without an admin key', () => {
  it('says at start-up that it is disabled and how to enable it', () => {
    const warning = gateway
      .log()
      .split('\n')
      .find((line) => line.includes('admin API disabled'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning!)).toMatchObject({ level: 'warn' });
    expect(warning).toContain('TOLLGATE_ADMIN_KEY');
    expect(warning).toContain('tollgate keys create --operator admin --name NAME');
  });

  it('answers /admin calls with the explanation, whatever key is sent', async () => {
    for (const headers of [{}, { authorization: 'Bearer tg_whatever_key_0123456789' }] as Array<Record<string, string>>) {
      const response = await fetch(`${gateway.url}/admin/tenants`, { headers });
      expect(response.status).toBe(403);
      const body: any = await response.json();
      expectSpecValid('ErrorResponse', body);
      expect(body.error.code).toBe('admin_api_disabled');
      expect(body.error.message).toMatch(/^The admin API is disabled: .*set TOLLGATE_ADMIN_KEY/);
      expect(body.error.message).not.toContain('Incorrect API key');
    }
  });

  it('works at once with an operator key created by the CLI', async () => {
    const operator = outputOf(await runCli(['keys', 'create', '--operator', 'admin', '--name', 'ops', '--config', join(dataDir, 'tollgate.yaml')]));
    // At once on SQLite; on PostgreSQL with the once-a-second check of the change counters.
    const response = await answerAfterChange(() => fetch(`${gateway.url}/admin/tenants`, { headers: { authorization: `Bearer ${operator.key}` } }), 200);
    expect(response.status).toBe(200);
    // Now that the API has a way in, a wrong key is just a wrong key.
    const wrong = await fetch(`${gateway.url}/admin/tenants`, { headers: { authorization: 'Bearer tg_whatever_key_0123456789' } });
    expect(((await wrong.json()) as any).error.code).toBe('invalid_api_key');
  }, 60_000);
});

describe('a short admin key', () => {
  it('stops start-up with a clear message, like a short key in the configuration', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-short-admin-'));
    writeFileSync(join(folder, 'tollgate.yaml'), yaml);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', join(folder, 'tollgate.yaml'), '--port', '0'], {
      env: { ...process.env, TOLLGATE_ADMIN_KEY: 'admin' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('TOLLGATE_ADMIN_KEY: must be at least 16 characters (it has 5)');
    expect(stderr).not.toContain('    at ');
  }, 60_000);
});

/**
 * The `tollgate` command as an operator meets it: `--help` for every command, one clear line and
 * exit 1 for an ordinary failure, usage and exit 2 only for a usage mistake, money as exact
 * decimal strings, relative paths in a configuration file taken from the file's folder, and a
 * configuration tenant that collides with a runtime one refused with the way out.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { usage } from '../../src/cli/usage-text.js';
import { outputOf, runCli } from '../helpers/run-cli.js';

let workDir: string;
let configPath: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
  mkdirSync(join(workDir, 'other'));
  configPath = join(workDir, 'other', 'tollgate.yaml');
  writeFileSync(
    configPath,
    `
providers: { demo: { type: mock } }
models: { demo: { provider: demo, model: echo }, demo-lorem: { provider: demo, model: lorem } }
tenants:
  fromfile: { keys: [{ name: ci, key: "tg_from_file_key_0123456789" }], quotas: { costPerDayUsd: 1 } }
storage: { sqlite: ./data/tollgate.db }
prompts: { folder: ./prompts }
`,
  );
});

const cli = (...args: string[]) => runCli(args, { cwd: workDir });

describe('help', () => {
  it('prints the whole usage for --help and -h, exit 0', async () => {
    for (const flag of ['--help', '-h']) expect(await cli(flag)).toMatchObject({ code: 0, stdout: `${usage}\n`, stderr: '' });
  }, 60_000);

  it.each(['serve', 'tenants', 'keys', 'prices', 'tenants create', 'keys create'])('answers `tollgate %s --help` with that command’s options', async (command) => {
    const result = await cli(...command.split(' '), '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`tollgate ${command}`);
    expect(result.stdout).toContain('--config PATH');
    expect(result.stderr).toBe('');
  }, 60_000);
});

describe('errors', () => {
  it('an ordinary failure is one line and exit 1; a usage mistake shows the usage and exits 2', async () => {
    outputOf(await cli('tenants', 'create', 'acme', '--config', configPath));
    const exists = await cli('tenants', 'create', 'acme', '--config', configPath);
    expect(exists).toMatchObject({ code: 1, stdout: '', stderr: 'tollgate: tenant "acme" already exists\n' });
    const missing = await cli('keys', 'revoke', 'key_nope', '--config', configPath);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const typo = await cli('tenants', 'create', 'beta', '--models', 'dmeo', '--config', configPath);
    expect(typo).toMatchObject({
      code: 1,
      stderr: 'tollgate: --models names the model "dmeo", which is not configured. Did you mean "demo"? Configured models: demo, demo-lorem.\n',
    });
    const unknownOption = await cli('tenants', 'create', 'beta', '--wat', '1', '--config', configPath);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/^tollgate: Unknown option '--wat'\.\n\ntollgate tenants list/);
    const notANumber = await cli('tenants', 'create', 'beta', '--requests-per-minute', 'lots', '--config', configPath);
    expect(notANumber.code).toBe(2);
    expect(notANumber.stderr).toContain('--requests-per-minute must be a whole number, got "lots"');
    expect((await cli('frobnicate')).code).toBe(2);
  }, 120_000);
});

describe('paths and money', () => {
  it('opens the database next to the configuration file, not in the working directory', async () => {
    outputOf(await cli('tenants', 'list', '--config', configPath));
    expect(existsSync(join(workDir, 'other', 'data', 'tollgate.db'))).toBe(true);
    expect(existsSync(join(workDir, 'data'))).toBe(false);
  }, 60_000);

  it('prints every money amount as an exact decimal string, from the file or the command line', async () => {
    outputOf(await cli('tenants', 'create', 'money', '--cost-per-day-usd', '5', '--cost-per-month-usd', '0.5', '--config', configPath));
    const tenants: any[] = outputOf(await cli('tenants', 'list', '--config', configPath));
    expect(tenants.find((tenant) => tenant.id === 'fromfile').quotas).toEqual({ costPerDayUsd: '1.000000000' });
    expect(tenants.find((tenant) => tenant.id === 'money').quotas).toEqual({ costPerDayUsd: '5.000000000', costPerMonthUsd: '0.500000000' });
  }, 60_000);
});

describe('a configuration tenant that collides with a runtime one', () => {
  it('is refused by serve with the way out, and the CLI can still resolve it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-collide-'));
    const path = join(folder, 'tollgate.yaml');
    const base = 'providers: { demo: { type: mock } }\nmodels: { demo: { provider: demo, model: echo } }\nstorage: { sqlite: ./tollgate.db }\n';
    writeFileSync(path, base);
    outputOf(await runCli(['tenants', 'create', 'acme', '--config', path]));
    const runtimeKey = outputOf(await runCli(['keys', 'create', '--tenant', 'acme', '--name', 'ci', '--config', path]));
    writeFileSync(path, `${base}tenants: { acme: { keys: [{ name: ci, key: "tg_file_key_0123456789abc" }] } }\n`);
    const serve = await runCli(['serve', '--config', path, '--port', '0']);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain('tenant "acme" is declared in the file and was also created at runtime');
    expect(serve.stderr).toContain('`tollgate tenants delete acme`');
    // The CLI warns but still works, so the operator can follow the advice.
    const deleted = await runCli(['tenants', 'delete', 'acme', '--config', path]);
    expect(deleted.code).toBe(0);
    expect(deleted.stderr).toContain('warning');
    const tenant = outputOf(await runCli(['tenants', 'show', 'acme', '--config', path]));
    expect(tenant.source).toBe('config');
    expect(tenant.keys.map((key: any) => key.name)).toEqual(['ci']);
    expect(tenant.keys[0].id).not.toBe(runtimeKey.id);
  }, 120_000);
});

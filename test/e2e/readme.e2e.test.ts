/**
 * The README, pasted: on a fresh copy of the repository, every `sh` block of the README is pasted
 * in order into one shell — `npm install`, `npm start >> access.log &`, the curl calls, the CLI walk-through, the
 * prompts — and what each prints is checked against what the README says it prints. Blocks that
 * cannot run here are listed below with the reason; a block the list does not know fails the test,
 * so the README and this list cannot drift apart. The other blocks that show program output (the
 * CLI usage, a configuration error) are compared with what the program prints. Then the copy is
 * packed with `npm pack`, installed from the tarball into an empty project, offline, and its
 * `npx tollgate --help` run.
 *
 * Ports: the README's 8787, 8788 and 8789 become free ports of this machine; nothing else changes.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usage } from '../../src/cli/usage-text.js';
import { cleanEnvironment, freshCopy, repositoryRoot } from '../helpers/fresh-copy.js';
import { readmeBlocks, type ReadmeBlock } from '../helpers/readme-blocks.js';
import { Terminal, type BlockResult } from '../helpers/terminal.js';

type Plan =
  | { kind: 'run'; timeoutMs?: number; check(result: BlockResult): void | Promise<void> }
  /** A command that serves until stopped: started in the background on a port of its own, checked, stopped. */
  | { kind: 'server' }
  | { kind: 'skip'; reason: string };

const shellLanguages = new Set(['sh', 'bash', 'shell']);

let copy: string;
let terminal: Terminal;
let ports: Record<string, number>;

const demoKey = 'tg_demo_local_development_key';

/** Each README shell block, by its first line, and how it is run and checked. */
const plans = new Map<string, Plan>([
  [
    'npm install                  # installs the dependencies and builds Tollgate (TypeScript → dist/), once',
    {
      kind: 'run',
      timeoutMs: 480_000,
      check: (result) => {
        expect(result.stdout).toContain('{"status":"ready","checks":{');
        expect(existsSync(join(copy, 'dist', 'src', 'cli', 'main.js'))).toBe(true);
        // The admin key was set, so the admin API is on.
        expect(terminal.log).not.toContain('admin API disabled');
      },
    },
  ],
  ['npm test                     # type-checks, then runs the whole suite (unit + end-to-end)', { kind: 'skip', reason: 'it runs this very suite' }],
  [
    "curl -s 'http://127.0.0.1:8787/proxy/billing/invoices/42?expand=lines' -H \"authorization: Bearer $ACME_KEY\"",
    { kind: 'skip', reason: 'it needs the billing service of the worked example; the same calls run against real local services in test/e2e/rest-proxy.e2e.test.ts' },
  ],
  [
    "curl -s http://127.0.0.1:8787/v1/chat/completions -H 'content-type: application/json' \\",
    {
      kind: 'run',
      check: (result) => {
        const completion = JSON.parse(result.stdout);
        expect(completion).toMatchObject({ object: 'chat.completion', model: 'demo' });
        expect(completion.choices[0].message.content).toBe('Hello, Tollgate!');
        // The access log went to its file, not into what curl printed.
        return expect.poll(() => readFileSync(join(copy, 'access.log'), 'utf8')).toContain('"path":"/v1/chat/completions"');
      },
    },
  ],
  [
    'npx tollgate tenants create acme --requests-per-minute 2 --cost-per-day-usd 1',
    {
      kind: 'run',
      check: (result) => {
        const calls = JSON.parse(result.stdout.slice(result.stdout.lastIndexOf('{"data"')));
        expect(calls.data).toHaveLength(3);
        const statuses = result.stdout.split('\n').filter((line) => /^\d{3}$/.test(line));
        // Requests per minute are counted in UTC minutes: three calls across a minute's end see two windows.
        const minutes = new Set(calls.data.map((call: { time: string }) => call.time.slice(0, 16)));
        expect(statuses).toEqual(minutes.size === 1 ? ['200', '200', '429'] : expect.arrayContaining(['200', '200']));
        expect(calls.data.map((call: { status: number }) => call.status).sort()).toEqual(statuses.map(Number).sort());
      },
    },
  ],
  [
    `echo '{"demo-lorem": {"mode": "chat", "input_cost_per_token": 0.0000002, "output_cost_per_token": 0.0000008}}' > my-prices.json`,
    { kind: 'run', check: (result) => expect(JSON.parse(result.stdout)).toMatchObject({ imported: 1, skipped: 0 }) },
  ],
  [
    `KEY=${demoKey}`,
    {
      kind: 'run',
      check: (result) => {
        const events = result.stdout.split('\n');
        expect(events).toContain('event: done');
        expect(result.stdout).toContain('"label":"positive"');
      },
    },
  ],
  [
    'curl -s "http://127.0.0.1:8787/admin/reports/usage?groupBy=tenant,model,day&from=2026-06-01&to=2026-06-30&tz=Europe/Berlin" \\',
    {
      kind: 'run',
      check: (result) => {
        expect(result.stdout).toContain('"object":"usage_report"');
        expect(result.stdout).toContain('"tz":"Europe/Berlin"');
        expect(readFileSync(join(copy, 'tollgate-usage-all-to-all.csv'), 'utf8').split('\n')[0]).toContain('end_user');
      },
    },
  ],
  [
    'curl -s http://127.0.0.1:8787/v1/usage -H "authorization: Bearer $KEY"',
    { kind: 'run', check: (result) => expect(JSON.parse(result.stdout)).toMatchObject({ object: 'usage', tenant: 'acme' }) },
  ],
  [
    'export OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318   # spans go to $OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces',
    { kind: 'skip', reason: 'it needs an OpenTelemetry collector, and its `npm start` would start a second gateway in the walk-through shell' },
  ],
  [
    'curl -s "http://127.0.0.1:8787/admin/audit?action=key.revoke&limit=20" -H "authorization: Bearer $TOLLGATE_ADMIN_KEY"',
    { kind: 'run', check: (result) => expect(Array.isArray(JSON.parse(result.stdout).data)).toBe(true) },
  ],
  ['npx tollgate serve --workers 2          # node:cluster: N processes share the port', { kind: 'server' }],
  ['node --max-semi-space-size=16 --heap-growing-percent=100 dist/src/cli/main.js serve', { kind: 'server' }],
  ['npm run bench                 # ~15 minutes; prints the tables and rewrites docs/benchmarks.md', { kind: 'skip', reason: 'it takes minutes and wants both cores to itself' }],
  [
    'npx tollgate export --out tollgate-export.jsonl        # every table, one consistent snapshot',
    { kind: 'skip', reason: 'it needs a PostgreSQL and an edited tollgate.yaml; test/e2e/postgres-transfer.e2e.test.ts runs these commands' },
  ],
]);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function withPorts(text: string): string {
  return text.replace(/\b(8787|8788|8789)\b/g, (port) => String(ports[port]));
}

/** `# {…}` lines in a block are the output the README promises, verbatim. */
function documentedOutputs(block: ReadmeBlock): string[] {
  return block.text
    .split('\n')
    .filter((line) => line.startsWith('# {'))
    .map((line) => line.slice(2))
    .filter((json) => {
      try {
        JSON.parse(json);
        return true;
      } catch {
        return false;
      }
    });
}

async function waitForReady(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`nothing became ready on port ${port} within ${timeoutMs} ms:\n${terminal.log.slice(-3000)}`);
}

async function runServerBlock(block: ReadmeBlock, port: number): Promise<void> {
  const command = block.text.replace(/\s+#.*$/, '');
  // `exec env`: the job is the server itself (or npx), so `kill` reaches it.
  const started = await terminal.run(`( exec env PORT=${port} ${command} ) &\nSERVER_PID=$!`, 30_000);
  expect(started.failed).toEqual([]);
  await waitForReady(port, 120_000);
  const answer = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demoKey}` },
    body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(answer.status).toBe(200);
  await terminal.run('kill -TERM $SERVER_PID; wait $SERVER_PID 2>/dev/null || true', 60_000);
}

function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, env: options.env ?? cleanEnvironment(), timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  copy = freshCopy();
  ports = { 8787: await freePort(), 8788: await freePort(), 8789: await freePort() };
  terminal = new Terminal(copy, cleanEnvironment({ PORT: String(ports[8787]) }));
}, 120_000);

afterAll(async () => {
  await terminal?.close();
  // `npx tollgate` in the copy linked it into npm's npx cache: remove that entry, and only that one.
  const npxCache = join(homedir(), '.npm', '_npx');
  for (const entry of existsSync(npxCache) ? readdirSync(npxCache) : []) {
    const manifest = join(npxCache, entry, 'package.json');
    if (existsSync(manifest) && copy && readFileSync(manifest, 'utf8').includes(copy.slice(1))) rmSync(join(npxCache, entry), { recursive: true, force: true });
  }
  if (copy) rmSync(dirname(copy), { recursive: true, force: true });
}, 60_000);

describe('the README on a fresh copy', () => {
  it('before the build, the tollgate bin says how to build instead of failing with a stack trace', async () => {
    const result = await run(process.execPath, ['bin/tollgate.js', '--help'], { cwd: copy });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('tollgate: not built yet');
    expect(result.stderr).toContain('npm run build');
    expect(result.stderr).not.toContain('    at ');
  });

  it('runs every shell block in order, each printing what the README says', async () => {
    const blocks = readmeBlocks(copy).filter((block) => shellLanguages.has(block.language));
    const unknown = blocks.filter((block) => !plans.has(block.firstLine)).map((block) => block.firstLine);
    expect(unknown, 'README shell blocks this test does not know: add them to `plans`').toEqual([]);
    const gone = [...plans.keys()].filter((firstLine) => !blocks.some((block) => block.firstLine === firstLine));
    expect(gone, 'plans for blocks the README no longer has').toEqual([]);
    let serverPort = 8788;
    for (const block of blocks) {
      const plan = plans.get(block.firstLine)!;
      if (plan.kind === 'skip') continue;
      if (plan.kind === 'server') {
        await runServerBlock(block, ports[serverPort++]);
        continue;
      }
      const result = await terminal.run(withPorts(block.text), plan.timeoutMs ?? 180_000);
      expect(result.failed, `commands that failed in:\n${block.text}\nstderr:\n${result.stderr.slice(-3000)}`).toEqual([]);
      // curl -s prints no final newline, so an answer may share its line with the next command's.
      for (const output of documentedOutputs(block)) expect(result.stdout).toContain(output);
      await plan.check(result);
    }
  }, 900_000);

  it('shows the CLI usage exactly as `tollgate --help` prints it', () => {
    const text = readmeBlocks(copy).find((block) => block.language === 'text' && block.text.includes('usage: tollgate'));
    expect(text?.text).toBe(usage);
  });

  it('shows the configuration error exactly as Tollgate prints it', async () => {
    const block = readmeBlocks(copy).find((candidate) => candidate.firstLine.startsWith('tollgate: invalid configuration'))!;
    const folder = mkdtempSync(join(tmpdir(), 'tollgate-readme-config-'));
    writeFileSync(
      join(folder, 'tollgate.yaml'),
      'providers:\n  openai: { type: openai, baseURL: https://api.openai.com/v1, timeoutMS: 5000 }\n  demo: { type: mock }\nmodels:\n  fast: { provider: opneai, model: gpt-4o-mini }\n',
    );
    const result = await run(process.execPath, [join(copy, 'bin', 'tollgate.js'), 'serve'], { cwd: folder });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${block.text}\n`);
  });

  it('packs into a tarball that installs offline and runs `npx tollgate --help`', async () => {
    const packs = mkdtempSync(join(tmpdir(), 'tollgate-pack-'));
    const packed = await run('npm', ['pack', '--pack-destination', packs], { cwd: copy });
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = readdirSync(packs).find((name) => name.endsWith('.tgz'))!;
    const listing = (await run('tar', ['-tzf', join(packs, tarball)], { cwd: packs })).stdout.split('\n');
    expect(listing).toEqual(expect.arrayContaining(['package/LICENSE', 'package/bin/tollgate.js', 'package/dist/src/cli/main.js', 'package/drizzle/meta/_journal.json']));
    expect(listing.filter((path) => /^package\/(src|test|bench)\//.test(path) || path.endsWith('.map'))).toEqual([]);
    expect(readFileSync(join(copy, 'LICENSE'), 'utf8')).toContain('Apache License');

    const project = join(packs, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'try-tollgate', version: '1.0.0', private: true, dependencies: { tollgate: `file:../${tarball}` } }));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(lockfileFor(tarball)));
    const installed = await run('npm', ['ci', '--offline', '--ignore-scripts'], { cwd: project });
    expect(installed.code, installed.stderr).toBe(0);
    const help = await run('npx', ['--offline', 'tollgate', '--help'], { cwd: project });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toBe(`${usage}\n`);
    rmSync(packs, { recursive: true, force: true });
  }, 600_000);
});

/**
 * A lockfile for a project depending only on the tarball: the packages are those the repository's
 * own lockfile pins for its runtime dependencies, so `npm ci --offline` takes them all from npm's
 * cache, and resolving needs no registry.
 */
function lockfileFor(tarball: string) {
  const repositoryLock = JSON.parse(readFileSync(join(repositoryRoot, 'package-lock.json'), 'utf8'));
  const root = repositoryLock.packages[''];
  const packages: Record<string, unknown> = {
    '': { name: 'try-tollgate', version: '1.0.0', dependencies: { tollgate: `file:../${tarball}` } },
    'node_modules/tollgate': { version: root.version, resolved: `file:../${tarball}`, license: 'Apache-2.0', dependencies: root.dependencies, bin: root.bin, engines: root.engines },
  };
  for (const [path, entry] of Object.entries<{ dev?: boolean }>(repositoryLock.packages)) {
    if (path !== '' && !entry.dev) packages[path] = entry;
  }
  return { name: 'try-tollgate', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

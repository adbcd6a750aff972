/**
 * bench/idle-memory.ts — what an idle gateway's RSS is made of. Starts a build (default dist/, with
 * the V8 flags of its own src/cli/runtime-flags.js) on the bench's configuration, pinned to core 0
 * as the bench runs it, waits for /readyz, then at each sample time prints VmRSS and its parts:
 * the `node` binary's resident pages (file-backed: code and read-only data the process touched),
 * other files (shared libraries, better-sqlite3's addon), malloc's [heap], anonymous memory in
 * V8-page-sized mappings (the isolates' heaps) and the rest; and each thread's V8 heap, committed
 * and used, by space (bench/lib/heap-probe.cjs, preloaded into every thread).
 *
 *   npx tsx bench/idle-memory.ts [--build dist-before] [--at 0,10000,40000] [--node-flags "--max-semi-space-size=8"]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { writeGatewayConfig } from './lib/gateway-config.js';
import { freePort, hasTaskset, waitForOk } from './lib/processes.js';
import { allScenarios } from './lib/scenarios.js';
import './scenarios/index.js';

const { values } = parseArgs({ options: { build: { type: 'string', default: 'dist' }, at: { type: 'string', default: '0' }, 'node-flags': { type: 'string', default: '' } } });
const repoRoot = resolve(import.meta.dirname, '..');
const build = values.build;
const { gatewayNodeFlags } = (await import(pathToFileURL(join(repoRoot, build, 'src/cli/runtime-flags.js')).href)) as { gatewayNodeFlags: string[] };
const tmp = mkdtempSync(join(tmpdir(), 'tollgate-idle-memory-'));
const probeDir = join(tmp, 'heaps');
mkdirSync(probeDir);
// Nothing is called: the upstream's address only has to be well formed.
const fakeUrl = 'http://127.0.0.1:9';
const extra = Object.assign({}, ...allScenarios().map((scenario) => scenario.gatewayConfig?.(fakeUrl) ?? {}));
const config = writeGatewayConfig({ dir: tmp, repoRoot, fakeUrl, label: 'idle', extra });
const port = await freePort();
const nodeArgs = ['--require', join(repoRoot, 'bench/lib/heap-probe.cjs'), ...gatewayNodeFlags, ...values['node-flags'].split(/\s+/).filter(Boolean)];
const args = [...nodeArgs, join(build, 'src/cli/main.js'), 'serve', '--config', config.path, '--port', String(port)];
const child = hasTaskset
  ? spawn('taskset', ['-c', '0', process.execPath, ...args], { cwd: repoRoot, env: { ...process.env, TOLLGATE_HEAP_PROBE_DIR: probeDir }, stdio: 'ignore' })
  : spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, TOLLGATE_HEAP_PROBE_DIR: probeDir }, stdio: 'ignore' });
const started = Date.now();
try {
  await waitForOk(`http://127.0.0.1:${port}/readyz`, 60_000);
  const ready = Date.now();
  console.log(`${build} (${nodeArgs.slice(2).join(' ')}): ready after ${ready - started} ms`);
  for (const at of values.at.split(',').map(Number)) {
    await new Promise((done) => setTimeout(done, Math.max(0, ready + at - Date.now())));
    // The probes write every 500 ms: let them catch up with this moment.
    await new Promise((done) => setTimeout(done, at === 0 ? 0 : 600));
    print(at, child.pid!);
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((done) => child.once('exit', done));
  rmSync(tmp, { recursive: true, force: true });
}

function print(at: number, pid: number): void {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/^VmRSS:\s+(\d+)/m.exec(status)![1]) / 1024;
  const parts = smapsParts(pid);
  const show = (mb: number) => mb.toFixed(1).padStart(6);
  console.log(`\n+${at} ms after ready: VmRSS ${rss.toFixed(1)} MB, threads ${readdirSync(`/proc/${pid}/task`).length}`);
  for (const [part, mb] of Object.entries(parts)) console.log(`  ${show(mb)} MB  ${part}`);
  for (const file of readdirSync(probeDir).filter((name) => name.endsWith('.json')).sort()) {
    const heap = JSON.parse(readFileSync(join(probeDir, file), 'utf8')) as { thread: string; committedMb: number; usedMb: number; spaces: Record<string, number> };
    const spaces = Object.entries(heap.spaces).filter(([, mb]) => mb > 0).map(([space, mb]) => `${space.replace('_space', '')} ${mb}`).join(', ');
    console.log(`  V8 heap, ${heap.thread}: committed ${heap.committedMb} MB, used ${heap.usedMb} MB (${spaces})`);
  }
}

/** Resident MB by kind of mapping (V8 reserves its heap in 256 KB pages: small anonymous mappings). */
function smapsParts(pid: number): Record<string, number> {
  const parts: Record<string, number> = { 'node binary (file pages)': 0, 'other files (libraries, addons)': 0, 'malloc [heap]': 0, 'anonymous, mappings < 1 MB (V8 heap pages)': 0, 'anonymous, larger (malloc arenas, stacks, ...)': 0 };
  let kind = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const [, from, to, name] = mapping;
      const size = parseInt(to, 16) - parseInt(from, 16);
      if (name === process.execPath || name.endsWith('/bin/node')) kind = 'node binary (file pages)';
      else if (name === '[heap]') kind = 'malloc [heap]';
      else if (name.startsWith('/')) kind = 'other files (libraries, addons)';
      else if (name === '') kind = size < 1024 * 1024 ? 'anonymous, mappings < 1 MB (V8 heap pages)' : 'anonymous, larger (malloc arenas, stacks, ...)';
      else kind = '';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && kind) parts[kind] += Number(rss[1]) / 1024;
  }
  return parts;
}

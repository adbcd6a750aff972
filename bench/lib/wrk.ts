/**
 * bench/lib/wrk.ts — wrk (https://github.com/wg/wrk, Debian package `wrk`) as the saturation load
 * generator: C, one thread per core it is given, so it costs the pinned load core far less than
 * autocannon does and the target, not the client, is what saturates.
 *
 * The request (method, headers, body) goes in a Lua script written to the bench's temporary
 * folder; its `done` hook prints one JSON line with the counts and latency percentiles (µs), which
 * is all this module reads. wrk counts a non-2xx/3xx answer as a `status` error.
 *
 * wrk 4.x has no fixed-rate mode (that is wrk2's -R): the fixed-rate runs use the bench's own
 * open-loop client (load.ts `fixedRate`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpRequest, ThroughputResult } from './load.js';

export const hasWrk = spawnSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' }).status === 0;

let scripts = 0;

/** A Lua string literal that survives any bytes (wrk's Lua is 5.1: decimal escapes). */
function luaString(text: string): string {
  return `"${[...Buffer.from(text, 'utf8')].map((byte) => (byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c ? String.fromCharCode(byte) : `\\${byte}`)).join('')}"`;
}

function script(dir: string, request: HttpRequest): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  const path = join(dir, `wrk-${process.pid}-${scripts++}.lua`);
  writeFileSync(
    path,
    `-- written by bench/lib/wrk.ts
wrk.method = ${luaString(request.method)}
wrk.path = ${luaString(request.path)}
${request.body !== undefined ? `wrk.body = ${luaString(request.body)}` : ''}
${headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"wrk":1,"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
`,
  );
  return path;
}

/** Saturation with wrk: `threads` threads (one per load core), `connections` keep-alive connections. */
export async function wrkThroughput(
  baseUrl: string,
  request: HttpRequest,
  options: { connections: number; durationS: number; threads: number; scriptDir: string; cpus?: string },
): Promise<ThroughputResult> {
  const durationS = Math.max(1, Math.round(options.durationS));
  const threads = Math.max(1, Math.min(options.threads, options.connections));
  const args = ['-t', String(threads), '-c', String(options.connections), '-d', `${durationS}s`, '--timeout', '30s', '-s', script(options.scriptDir, request), baseUrl + request.path];
  const child = spawn(options.cpus ? 'taskset' : 'wrk', options.cpus ? ['-c', options.cpus, 'wrk', ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = output.split('\n').find((text) => text.startsWith('{"wrk":1'));
  if (code !== 0 || !line) throw new Error(`wrk exited with ${code}:\n${output.slice(-2000)}`);
  const parsed = JSON.parse(line) as Record<string, number>;
  const seconds = parsed.durationUs / 1e6;
  const errors = parsed.connect + parsed.read + parsed.write + parsed.timeout;
  return {
    rps: parsed.requests / seconds,
    // wrk counts every finished response, non-2xx included (those are also in `status`).
    completed: parsed.requests,
    sent: parsed.requests + options.connections, // at most one request per connection still in flight at the end
    durationS: seconds,
    p50: parsed.p50 / 1000,
    p90: parsed.p90 / 1000,
    p99: parsed.p99 / 1000,
    errors,
    non2xx: parsed.status,
    statusCodes: {},
  };
}

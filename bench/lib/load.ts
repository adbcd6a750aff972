/**
 * bench/lib/load.ts — the three load generators:
 *  - `maxThroughput`: autocannon (programmatic API), N keep-alive connections, as fast as they go.
 *    autocannon's latency histogram is integer milliseconds, so its percentiles are whole ms.
 *  - `fixedRate`: our own open-loop client on an undici Pool: sends at a fixed rate and records
 *    each request's latency with `process.hrtime.bigint()` (microsecond precision), for "added
 *    latency at 1,000 req/s".
 *  - `streamProbe`: streamed requests, recording time to response headers, to the first body byte,
 *    to the end, and the arrival time of every SSE `data:` line.
 */
import autocannon from 'autocannon';
import { Pool } from 'undici';

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ThroughputResult {
  rps: number;
  completed: number;
  sent: number;
  durationS: number;
  /** autocannon's percentiles: whole milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

/** A mixed workload when `request` is a list: each connection cycles through it. */
export async function maxThroughput(
  baseUrl: string,
  request: HttpRequest | HttpRequest[],
  options: { connections: number; durationS: number; onResponse?: () => void },
): Promise<ThroughputResult> {
  const single = Array.isArray(request) ? undefined : request;
  const settings: autocannon.Options = {
    url: baseUrl + (single?.path ?? '/'),
    ...(single ? { method: single.method, headers: single.headers, body: single.body } : { requests: request as HttpRequest[] }),
    connections: options.connections,
    pipelining: 1,
    duration: options.durationS,
    timeout: 30,
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(settings, (error, result) => (error ? reject(error) : resolve(result)));
    if (options.onResponse) instance.on('response', options.onResponse);
  });
  const statusCodes: Record<string, number> = {};
  const stats = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  for (const [code, { count }] of Object.entries(stats)) statusCodes[code] = count;
  return {
    rps: result.requests.total / result.duration,
    completed: result.requests.total,
    sent: result.requests.sent,
    durationS: result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    statusCodes,
  };
}

export interface FixedRateResult {
  rate: number;
  achievedRate: number;
  sent: number;
  ok: number;
  failed: number;
  /** Milliseconds, fractional. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** How late the client sent, at p99 (ms): large values mean the client could not keep the rate. */
  sendLagP99: number;
}

/**
 * Open loop: call i starts at start + i/rate whatever happened to the earlier ones (so a slow
 * target cannot slow the load down and hide its own latency). Resolves when every call is done.
 */
async function openLoop(rate: number, durationS: number, call: () => Promise<void>): Promise<{ sent: number; elapsedS: number; lags: number[] }> {
  const total = Math.max(1, Math.round(rate * durationS));
  const intervalNs = 1e9 / rate;
  const lags: number[] = [];
  const pending = new Set<Promise<void>>();
  let sent = 0;
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsedNs = Number(process.hrtime.bigint() - start);
      const due = Math.min(total, Math.floor(elapsedNs / intervalNs) + 1);
      while (sent < due) {
        lags.push((elapsedNs - sent * intervalNs) / 1e6);
        sent++;
        const done = call();
        pending.add(done);
        void done.finally(() => pending.delete(done));
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  await Promise.all(pending);
  return { sent, elapsedS, lags };
}

export async function fixedRate(
  baseUrl: string,
  request: HttpRequest,
  options: { rate: number; durationS: number; connections: number },
): Promise<FixedRateResult> {
  const pool = new Pool(baseUrl, { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const latencies: number[] = [];
  let failed = 0;
  const { sent, elapsedS, lags } = await openLoop(options.rate, options.durationS, async () => {
    const began = process.hrtime.bigint();
    try {
      const response = await pool.request({ path: request.path, method: request.method, headers: request.headers, body: request.body });
      await response.body.arrayBuffer();
      if (response.statusCode >= 200 && response.statusCode < 300) latencies.push(Number(process.hrtime.bigint() - began) / 1e6);
      else failed++;
    } catch {
      failed++;
    }
  });
  await pool.close();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    rate: options.rate,
    achievedRate: sent / elapsedS,
    sent,
    ok: sorted.length,
    failed,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    sendLagP99: percentile(lags.sort((a, b) => a - b), 0.99),
  };
}

export interface StreamSample {
  status: number;
  headersMs: number;
  /** Time to the first body byte. */
  ttfbMs: number;
  totalMs: number;
  /** Every `data:` line. */
  dataEvents: number;
  /** Arrival times (ms from send) of the `data:` lines carrying generated text (`"tok<n> "`). */
  contentTimes: number[];
}

/** Streamed requests at a fixed rate (open loop), or `count` of them one after another. */
export async function streamProbe(
  baseUrl: string,
  request: HttpRequest,
  options: { rate: number; durationS: number; connections: number } | { count: number },
): Promise<StreamSample[]> {
  const samples: StreamSample[] = [];
  const failed = (): StreamSample => ({ status: 0, headersMs: NaN, ttfbMs: NaN, totalMs: NaN, dataEvents: 0, contentTimes: [] });
  if ('count' in options) {
    const pool = new Pool(baseUrl, { connections: 1, pipelining: 1, keepAliveTimeout: 60_000 });
    for (let index = 0; index < options.count; index++) samples.push(await streamOnce(pool, request).catch(failed));
    await pool.close();
    return samples;
  }
  const pool = new Pool(baseUrl, { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  await openLoop(options.rate, options.durationS, async () => {
    samples.push(await streamOnce(pool, request).catch(failed));
  });
  await pool.close();
  return samples;
}

async function streamOnce(pool: Pool, request: HttpRequest): Promise<StreamSample> {
  const began = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - began) / 1e6;
  const response = await pool.request({ path: request.path, method: request.method, headers: request.headers, body: request.body });
  const headersMs = since();
  let ttfbMs = NaN;
  let dataEvents = 0;
  const contentTimes: number[] = [];
  let carry = '';
  for await (const chunk of response.body) {
    const now = since();
    if (Number.isNaN(ttfbMs)) ttfbMs = now;
    const lines = (carry + (chunk as Buffer).toString('utf8')).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('data:')) continue;
      dataEvents++;
      if (line.includes('"tok')) contentTimes.push(now);
    }
  }
  return { status: response.statusCode, headersMs, ttfbMs, totalMs: since(), dataEvents, contentTimes };
}

export function percentile(sorted: number[], quantile: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1))];
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

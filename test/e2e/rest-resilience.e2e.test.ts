/**
 * Failure drills for REST services, with real local HTTP services as targets: a target killed
 * under load, a slow target under `latency`, a breaker's whole cycle, and a flapping target that
 * must not draw more than the retry budget allows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, testAdminKey, testKey, type TestGateway } from '../helpers/start-gateway.js';
import { startRestTarget, type RestTarget } from '../fakes/rest-target.js';

const asTest = { authorization: `Bearer ${testKey}` };
let gateway: TestGateway | undefined;
const targets: RestTarget[] = [];

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  await Promise.all(targets.splice(0).map((target) => target.close().catch(() => undefined)));
});

async function start(count: number, service: Record<string, unknown>): Promise<RestTarget[]> {
  const started = await Promise.all(Array.from({ length: count }, (_, index) => startRestTarget(`t${index}`)));
  targets.push(...started);
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    services: { api: { mount: '/api', stripPrefix: true, targets: started.map((target) => ({ url: target.url })), ...service } },
  });
  return started;
}

async function targetState(id: string): Promise<{ healthy: boolean; breaker: string; ejected_for_ms: number | null }> {
  const body = (await (await fetch(`${gateway!.url}/admin/targets`, { headers: { authorization: `Bearer ${testAdminKey}` } })).json()) as {
    data: Array<{ targets: Array<{ id: string; healthy: boolean; breaker: string; ejected_for_ms: number | null }> }>;
  };
  return body.data[0]!.targets.find((target) => target.id === id)!;
}

/** The status, or 0 when the gateway itself could not be reached. */
async function get(path: string): Promise<number> {
  try {
    const response = await fetch(`${gateway!.url}/api${path}`, { headers: asTest });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

describe('REST resilience drills', () => {
  it('a target killed under load: once it is out, no idempotent request fails', async () => {
    const [victim] = await start(3, {
      balance: 'least-inflight',
      retries: { attempts: 2 },
      healthCheck: { path: '/health', intervalMs: 100, unhealthyAfter: 2, healthyAfter: 2 },
    });
    let running = true;
    const statuses: number[] = [];
    const workers = Array.from({ length: 4 }, async () => {
      while (running) statuses.push(await get('/echo'));
    });
    await expect.poll(() => statuses.length, { timeout: 10_000 }).toBeGreaterThan(40);
    await victim!.close();
    await expect.poll(async () => (await targetState(victim!.url)).healthy, { timeout: 5000 }).toBe(false);
    const afterEjection = statuses.length;
    await expect.poll(() => statuses.length, { timeout: 10_000 }).toBeGreaterThan(afterEjection + 100);
    running = false;
    await Promise.all(workers);
    expect(statuses.slice(afterEjection).filter((status) => status !== 200)).toEqual([]);
    // Even while it died, a refused connection was retried on another target.
    expect(statuses.filter((status) => status !== 200).length).toBeLessThanOrEqual(4);
  });

  it('latency: a slow target loses traffic to a fast one', async () => {
    const [fast, slow] = await start(2, { balance: 'latency' });
    slow!.delayMs = 150;
    for (let index = 0; index < 60; index++) expect(await get('/echo')).toBe(200);
    const fastCalls = fast!.calls().length;
    const slowCalls = slow!.calls().length;
    expect(fastCalls + slowCalls).toBe(60);
    expect(fastCalls).toBeGreaterThan(slowCalls * 3);
  });

  it('a breaker opens on failures, half-opens after its open time, and closes when the target recovers', async () => {
    const [flaky, steady] = await start(2, {
      balance: 'round-robin',
      retries: { attempts: 0 },
      breaker: { minRequests: 4, failureRatio: 0.5, openMs: 400, trialRequests: 2, windowMs: 60_000 },
      outlier: { consecutiveFailures: 1000 },
    });
    flaky!.failing = true;
    await expect.poll(async () => {
      await get('/echo');
      return (await targetState(flaky!.url)).breaker;
    }, { timeout: 10_000 }).toBe('open');
    const seen = flaky!.calls().length;
    for (let index = 0; index < 6; index++) expect(await get('/echo')).toBe(200);
    expect(flaky!.calls().length).toBe(seen);
    expect(steady!.calls().length).toBeGreaterThan(6);

    flaky!.failing = false;
    await expect.poll(async () => (await targetState(flaky!.url)).breaker, { timeout: 3000 }).toBe('half_open');
    await expect.poll(async () => {
      await get('/echo');
      return (await targetState(flaky!.url)).breaker;
    }, { timeout: 10_000 }).toBe('closed');
    expect(flaky!.calls().length).toBeGreaterThan(seen);
  });

  it('a flapping target cannot make retries exceed the budget', async () => {
    const [flapping] = await start(1, {
      retries: { attempts: 3, baseBackoffMs: 1, maxBackoffMs: 2 },
      breaker: { minRequests: 1_000_000 },
      outlier: { consecutiveFailures: 1_000_000 },
    });
    const flip = setInterval(() => (flapping!.failing = !flapping!.failing), 30);
    const requests = 150;
    try {
      for (let index = 0; index < requests; index++) await get('/echo');
    } finally {
      clearInterval(flip);
    }
    // At most 20% extra over the 10 s window, plus the 3 retries every window allows.
    expect(flapping!.calls().length).toBeLessThanOrEqual(Math.floor(requests * 1.2) + 3);
    expect(flapping!.calls().length).toBeGreaterThan(requests);
  });
});

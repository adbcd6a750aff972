/**
 * @module test/quotas/redis-unreachable.test
 * Redis gone must never hang a request: a closed port (refused at once) and a server that accepts
 * and never answers (the slow failure) both answer within about a second, by the failure policy,
 * without unhandled rejections. Needs no Redis.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../src/logging/logger.js';
import { RedisQuotaBackend } from '../../src/quotas/redis-backend.js';
import type { QuotaBackend } from '../../src/quotas/types.js';
import { makeSubject, rejection, serviceOn, sleep } from './helpers.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

let closedPort = 0;
let silentServer: Server;
let silentPort = 0;
const silentSockets = new Set<Socket>();

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  silentServer = createServer((socket) => {
    silentSockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
  silentPort = (silentServer.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise<void>((resolve) => silentServer.close(() => resolve()));
  process.off('unhandledRejection', onUnhandled);
});

const moneySubject = () => makeSubject({ tenant: { costPerDayNanoUsd: 1_000_000, requestsPerMinute: 100 } });
const rateSubject = () => makeSubject({ key: { requestsPerMinute: 100, concurrentRequests: 5 } });
const demand = { tokens: 10, costNanoUsd: 100 };

async function timed<T>(work: Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [result] = await Promise.allSettled([work]);
  return { ms: performance.now() - started, result };
}

for (const target of ['closed port', 'server that never answers'] as const) {
  describe(`Redis unreachable: ${target}`, () => {
    const backends: QuotaBackend[] = [];
    const backend = () => {
      const port = target === 'closed port' ? closedPort : silentPort;
      const created = new RedisQuotaBackend({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'unreachable:' });
      backends.push(created);
      return created;
    };
    afterEach(async () => {
      await Promise.all(backends.splice(0).map((created) => created.close()));
      vi.restoreAllMocks();
    });

    it('failClosed for money answers 503 quota_backend_unavailable within 1.5 s, every time', async () => {
      const quotas = serviceOn(backend());
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const { ms, result } = await timed(quotas.reserve(moneySubject(), demand));
        expect(ms).toBeLessThan(1_500);
        expect(result.status).toBe('rejected');
        const error = await rejection(Promise.reject((result as PromiseRejectedResult).reason));
        expect(error).toMatchObject({ status: 503, code: 'quota_backend_unavailable', message: 'quota backend unavailable' });
      }
    });

    it('failClosed for rate limits answers 503 when rateLimits says so', async () => {
      const quotas = serviceOn(backend(), { failurePolicy: { rateLimits: 'failClosed', money: 'failOpen' } });
      const { ms, result } = await timed(quotas.reserve(rateSubject(), demand));
      expect(ms).toBeLessThan(1_500);
      expect(result).toMatchObject({ status: 'rejected', reason: { status: 503 } });
    });

    it('failOpen lets requests through, quickly, with one throttled warning', async () => {
      const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
      const quotas = serviceOn(backend());
      const started = performance.now();
      const reservations = await Promise.all(Array.from({ length: 50 }, () => quotas.reserve(rateSubject(), demand)));
      expect(performance.now() - started).toBeLessThan(1_500);
      for (const reservation of reservations) {
        expect(reservation.headers).toEqual({});
        await reservation.settle({ tokens: 5, costNanoUsd: 50 });
        await reservation.release();
      }
      const outageWarnings = warn.mock.calls.filter(([message]) => message === 'quota backend unavailable');
      expect(outageWarnings).toHaveLength(1);
      expect(outageWarnings[0][1]).toMatchObject({ policy: 'failOpen' });
    });
  });
}

describe('after the outage tests', () => {
  it('left no unhandled rejections behind', async () => {
    await sleep(1_200); // past every connect and command timeout that could still fire
    expect(unhandled).toEqual([]);
  });
});

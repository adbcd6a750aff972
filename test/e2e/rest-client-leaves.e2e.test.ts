/**
 * End to end through the real server: a client that leaves while its REST call is still waiting
 * for the service aborts the request to the target at once (the request's client signal,
 * server/client-signal.ts, handed to the router), and the call is billed 499
 * `client_closed_request` with its service. The target's first-byte timeout is the default 30 s,
 * so only the client's leaving can end the wait within the test.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerRows } from '../helpers/ledger.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';
import { startRestTarget, type RestTarget } from '../fakes/rest-target.js';

let gateway: TestGateway;
let hanging: RestTarget;

beforeAll(async () => {
  hanging = await startRestTarget('hanging');
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    models: { demo: { provider: 'demo', model: 'echo' } },
    services: { patient: { mount: '/patient', targets: [{ url: hanging.url }], stripPrefix: true, retries: { attempts: 0 } } },
  });
});

afterAll(async () => {
  await gateway?.close();
  await hanging?.close();
});

describe('a REST client that leaves before the service answered', () => {
  it('aborts the request to the target and bills the call 499', async () => {
    const before = hanging.aborted;
    const outgoing = httpRequest(`${gateway.url}/patient/slow?ms=20000`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' } });
    outgoing.on('error', () => undefined);
    outgoing.end('{"wait":true}');
    await expect.poll(() => hanging.calls().some((call) => call.url === '/slow?ms=20000'), { timeout: 5_000 }).toBe(true);
    outgoing.destroy();
    await expect.poll(() => hanging.aborted, { timeout: 5_000 }).toBeGreaterThan(before);
    await expect
      .poll(async () => (await ledgerRows(gateway.url, 'service=patient')).map((row) => `${row.status} ${row.error_code}`), { timeout: 5_000 })
      .toContain('499 client_closed_request');
  });
});

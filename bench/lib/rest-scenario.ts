/**
 * bench/lib/rest-scenario.ts — the REST proxy scenario: the fake upstream's chat endpoint put
 * behind Tollgate as a REST service (`services: bench-rest`), so Tollgate forwards the bytes
 * untouched — auth, the `services` scope, request and concurrency quotas, the router and the
 * ledger row, but no translation and no token metering. The plain proxy and the fake called
 * directly get the very same upstream request, so "vs plain proxy" prices the REST path alone.
 */
import type { HttpRequest } from './load.js';

export const restMount = '/bench-rest';
const upstreamKey = 'Bearer sk-bench-fake-openai-key';

/** The `services:` entry of the bench gateway. */
export function restServiceConfig(fakeUrl: string): Record<string, unknown> {
  return {
    'bench-rest': {
      mount: restMount,
      stripPrefix: true,
      targets: [{ url: fakeUrl }],
      balance: 'least-inflight',
      headers: { set: { authorization: upstreamKey } },
      quotas: { requestsPerMinute: 10_000_000, concurrentRequests: 10_000 },
    },
  };
}

/** The request: through the mount for Tollgate (with its key), straight to the path otherwise. */
export function restRequest(tollgateKey: string | undefined): HttpRequest {
  const body = JSON.stringify({ model: 'bench-upstream', messages: [{ role: 'user', content: 'Say hello to the benchmark in one short sentence.' }], max_tokens: 64 });
  return tollgateKey
    ? { method: 'POST', path: `${restMount}/v1/chat/completions`, headers: { 'content-type': 'application/json', authorization: `Bearer ${tollgateKey}` }, body }
    : { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: upstreamKey }, body };
}

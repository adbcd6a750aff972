/**
 * bench/scenarios/rest-proxy.ts — the REST proxy scenario (bench/lib/rest-scenario.ts): the fake's
 * chat endpoint behind Tollgate as the `bench-rest` service, forwarded untouched; the floor and
 * nginx get the very same upstream request. Target: ≥ 0.7 × the thin floor.
 */
import { benchKey } from '../lib/gateway-config.js';
import { restRequest } from '../lib/rest-scenario.js';
import type { Scenario } from '../lib/scenarios.js';

export const restProxyScenario: Scenario = {
  id: 'rest',
  title: 'REST proxy: a service mount passing a small POST through',
  tollgate: restRequest(benchKey),
  upstream: restRequest(undefined),
  throughput: true,
  quick: true,
  target: 0.7,
  // No token metering on a REST call: no x-tollgate-cost-usd to check.
  unmetered: true,
};

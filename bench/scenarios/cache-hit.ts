/**
 * bench/scenarios/cache-hit.ts — chat answered from the response cache (bench/lib/cache-hit-scenario.ts):
 * after the first call fills the cache, every request is authenticated, reserved, looked up and
 * written to the ledger with no upstream call. The floor and the peers forward what a miss would
 * send upstream, so the ratio says what a hit costs against forwarding the call.
 */
import { cacheHitModel, cacheHitTitle } from '../lib/cache-hit-scenario.js';
import { json, type Scenario } from '../lib/scenarios.js';
import { openAIChat, tollgateHeaders, upstreamHeaders } from './builtin.js';

const question = 'Say hello to the benchmark in one short sentence.';
const chat = (model: string) => openAIChat(model, question);

export const cacheHitScenario: Scenario = {
  id: 'cache-hit',
  title: cacheHitTitle,
  tollgate: json('/v1/chat/completions', chat(cacheHitModel), tollgateHeaders),
  upstream: json('/v1/chat/completions', chat('bench-upstream'), upstreamHeaders),
  throughput: true,
  // A hit reports no upstream usage: zero cost, so no cost header to check.
  unmetered: true,
};

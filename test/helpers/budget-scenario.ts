/**
 * @module test/helpers/budget-scenario
 * The scenario the quota-exactness tests share: a tenant whose daily budget fits exactly 50 worst
 * cases of one slow request (the mock waits 10 s, so every reservation happens before any call
 * settles and frees budget — 200 requests to processes on a busy 2-core machine took up to 5 s to
 * all arrive, and with 1.5 s the first calls settled early and let up to 90 in), as a YAML
 * configuration for gateways run as separate processes.
 */
import { join } from 'node:path';
import { promptTokenUpperBound } from '../../src/metering/index.js';

export const budgetTenantKey = 'tg_shared_budget_key_0123456789';
/**
 * A second tenant, with a quota of its own, for one quick call before the measured burst: the
 * call opens the gateway's connection to the quota backend (Redis connects on first use), so the
 * burst measures exactness rather than a cold connection.
 */
export const warmupTenantKey = 'tg_warmup_budget_key_012345678';
export const warmupRequest = { model: 'quick', max_tokens: 5, messages: [{ role: 'user' as const, content: 'warm up' }] };
// A one-character prompt: its byte bound and its counted bound agree, so the worst case is the same
// whether the gateway reserves the cheap bound or counts the prompt once the budget runs low.
export const budgetRequest = { model: 'slow', max_tokens: 10, messages: [{ role: 'user' as const, content: 'x' }] };
/** USD per 1M tokens: input 1, output 4 (cached and reasoning fall back to input and output). */
export const budgetWorstCaseNano = (promptTokenUpperBound(budgetRequest) * 1 + 10 * 4) * 1_000;

export function budgetGatewayYaml(dataDir: string, extra = ''): string {
  return `
server: { host: 127.0.0.1 }
providers:
  slowdemo: { type: mock, latencyMs: 10000, completionTokens: 3 }
  quickdemo: { type: mock, completionTokens: 3 }
models:
  slow: { provider: slowdemo, model: lorem, price: { input: 1, output: 4 } }
  quick: { provider: quickdemo, model: lorem, price: { input: 1, output: 4 } }
tenants:
  warmup:
    keys: [{ name: main, key: ${warmupTenantKey} }]
    quotas: { requestsPerMinute: 1000 }
  shared:
    keys: [{ name: main, key: ${budgetTenantKey} }]
    quotas: { costPerDayUsd: "${((50 * budgetWorstCaseNano) / 1e9).toFixed(9)}" }
storage: { sqlite: ${join(dataDir, 'tollgate.db')}, ledgerFlushMs: 50 }
${extra}`;
}

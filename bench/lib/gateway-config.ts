/**
 * bench/lib/gateway-config.ts — a realistic Tollgate configuration for the benchmark, written to a
 * temporary folder: the fake upstream as an `openai-compatible` and an `anthropic` provider, priced
 * models, one tenant with a key and real (but never reached) quotas, the SQLite ledger in the temp
 * folder, and a copy of the repository's prompts plus `bench-echo` on the fake-backed model.
 * With `redis`, the quota counters live in Redis under a prefix of their own.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { restServiceConfig } from './rest-scenario.js';

export const benchKey = 'tg_bench_load_generator_key_0123456789';
export const benchModels = {
  openai: 'bench-openai',
  openaiPaced: 'bench-openai-paced',
  anthropic: 'bench-claude',
  anthropicPaced: 'bench-claude-paced',
} as const;
/** The fake's pacing for the "chunks are never held back" check: 16 content chunks, 10 ms apart. */
export const pacedUpstreamModel = 'paced-10x16';
export const pacedChunkDelayMs = 10;
export const pacedChunks = 16;

export interface WrittenConfig {
  path: string;
  sqlite: string;
  redisPrefix?: string;
}

export function writeGatewayConfig(options: { dir: string; repoRoot: string; fakeUrl: string; redisUrl?: string; label: string; extra?: Record<string, unknown> }): WrittenConfig {
  const dir = join(options.dir, options.label);
  mkdirSync(dir, { recursive: true });
  const prompts = join(dir, 'prompts');
  cpSync(join(options.repoRoot, 'prompts'), prompts, { recursive: true });
  writeFileSync(join(prompts, 'bench-echo.yaml'), benchPrompt);
  const sqlite = join(dir, 'tollgate.db');
  const redisPrefix = options.redisUrl ? `tollgate-bench-${process.pid}-${options.label}:` : undefined;
  const openAIPrice = { input: 0.15, cachedInput: 0.075, output: 0.6 };
  const anthropicPrice = { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 };
  const config = {
    server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 10_000 },
    providers: {
      'fake-openai': { type: 'openai-compatible', baseURL: `${options.fakeUrl}/v1`, apiKey: 'sk-bench-fake-openai-key' },
      'fake-anthropic': { type: 'anthropic', baseURL: options.fakeUrl, apiKey: 'sk-ant-bench-fake-anthropic-key' },
      demo: { type: 'mock' },
    },
    models: {
      [benchModels.openai]: { provider: 'fake-openai', model: 'bench-upstream', price: openAIPrice },
      [benchModels.openaiPaced]: { provider: 'fake-openai', model: pacedUpstreamModel, price: openAIPrice },
      [benchModels.anthropic]: { provider: 'fake-anthropic', model: 'claude-bench', price: anthropicPrice },
      [benchModels.anthropicPaced]: { provider: 'fake-anthropic', model: pacedUpstreamModel, price: anthropicPrice },
      // The repository's prompts name `demo`.
      demo: { provider: 'demo', model: 'echo', price: openAIPrice },
    },
    tenants: {
      bench: {
        keys: [{ name: 'load', key: benchKey }],
        // Real limits, checked and counted on every call, set far above what the bench can send.
        quotas: {
          requestsPerMinute: 10_000_000,
          tokensPerMinute: 100_000_000_000,
          tokensPerDay: 1_000_000_000_000,
          costPerDayUsd: 1_000_000,
          costPerMonthUsd: 5_000_000,
          concurrentRequests: 10_000,
        },
      },
    },
    services: restServiceConfig(options.fakeUrl),
    storage: { sqlite },
    prompts: { folder: prompts, watch: true },
    ...(options.redisUrl ? { redis: { url: options.redisUrl, keyPrefix: redisPrefix } } : {}),
    ...options.extra,
  };
  const path = join(dir, 'tollgate.yaml');
  // JSON is YAML; generated, so no hand-written file to keep in sync.
  writeFileSync(path, `# written by bench/run.ts\n${JSON.stringify(config, null, 2)}\n`);
  return { path, sqlite, redisPrefix };
}

const benchPrompt = `# Written by bench/run.ts: a text prompt on the fake-backed model, for POST /v1/prompts/bench-echo.
name: bench-echo
version: 1
description: Repeats a short text; the benchmark's prompt API call.
model: ${benchModels.openai}
parameters:
  temperature: 0
  max_tokens: 64
input:
  type: object
  additionalProperties: false
  required: [text]
  properties:
    text:
      type: string
      minLength: 1
      maxLength: 10000
output:
  type: text
messages:
  - role: system
    content: You repeat the text you are given, word for word.
  - role: user
    content: |-
      Repeat this text:
      {{text}}
`;

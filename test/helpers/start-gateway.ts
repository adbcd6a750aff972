/**
 * @module test/helpers/start-gateway
 * Starts a real Tollgate HTTP server on a random local port from a configuration object (the
 * parsed shape of the YAML file, validated exactly as at start-up) and hands back an `openai`
 * SDK client pointed at it, with the SDK's own retries off so tests see every failure.
 * Unless the test declares its own, a tenant `test` with key `testKey` is added, and the database
 * is a fresh in-memory one. With `TOLLGATE_TEST_STORAGE=postgres` it also gets a PostgreSQL
 * database (test-storage.ts).
 */
import OpenAI from 'openai';
import { validateConfig } from '../../src/config/load-config.js';
import { startGateway, type RunningGateway } from '../../src/server/start-gateway.js';
import type { Tracing } from '../../src/observability/tracing/tracing-setup.js';
import { storageForTest } from './test-storage.js';

export const testKey = 'tg_test_key_0123456789abcdef';
export const testAdminKey = 'tg_test_admin_key_0123456789';

export interface TestGateway extends RunningGateway {
  /** `${url}/v1`, what an OpenAI SDK's `baseURL` is set to. */
  baseURL: string;
  client: OpenAI;
}

export async function startTestGateway(rawConfig: Record<string, unknown>, options: { apiKey?: string; tracing?: Tracing } = {}): Promise<TestGateway> {
  const withDefaults: Record<string, unknown> = {
    tenants: { test: { keys: [{ name: 'default', key: testKey }] } },
    storage: { sqlite: ':memory:' },
    // The access log would interleave with the test runner's output; tests that read it ask for it.
    logs: { access: { enabled: false } },
    ...rawConfig,
  };
  const storage = await storageForTest(withDefaults.storage as Record<string, unknown>);
  const config = validateConfig({ ...withDefaults, storage }, 'test configuration');
  const gateway = await startGateway(config, { port: 0, host: '127.0.0.1', adminKey: testAdminKey, tracing: options.tracing ?? null });
  const baseURL = `${gateway.url}/v1`;
  const client = new OpenAI({ baseURL, apiKey: options.apiKey ?? testKey, maxRetries: 0, timeout: 15_000 });
  return { ...gateway, baseURL, client };
}

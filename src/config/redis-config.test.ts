import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from './load-config.js';

const base = `
providers: { demo: { type: mock } }
models: { demo: { provider: demo, model: echo } }
`;

function parse(redis: string) {
  return parseConfigText(`${base}redis: ${redis}\n`, 'test.yaml', {});
}

function problemsOf(redis: string): string[] {
  try {
    parse(redis);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('redis configuration', () => {
  it('takes one server or the nodes of a cluster, with the lease and command timeout defaults', () => {
    expect(parse('{ url: "redis://127.0.0.1:6379" }').redis).toMatchObject({ url: 'redis://127.0.0.1:6379', keyPrefix: 'tollgate:', jobLeaseMs: 15_000, commandTimeoutMs: 500 });
    expect(parse('{ url: "redis://127.0.0.1:6379", commandTimeoutMs: 5000 }').redis).toMatchObject({ commandTimeoutMs: 5_000 });
    expect(parse('{ cluster: ["redis://10.0.0.1:6379", "rediss://:pw@10.0.0.2:6380"], jobLeaseMs: 5000 }').redis).toMatchObject({
      cluster: ['redis://10.0.0.1:6379', 'rediss://:pw@10.0.0.2:6380'],
      jobLeaseMs: 5_000,
    });
  });

  it('wants exactly one of url and cluster', () => {
    expect(problemsOf('{ url: "redis://a:6379", cluster: ["redis://b:6379"] }').join('\n')).toContain('give either `url` (one Redis server) or `cluster`');
    expect(problemsOf('{ keyPrefix: "x:" }').join('\n')).toContain('give either `url`');
  });

  it('refuses what would break the cluster layout or the leases', () => {
    expect(problemsOf('{ url: "redis://a:6379", keyPrefix: "{app}:" }').join('\n')).toContain('must not contain { or }');
    expect(problemsOf('{ cluster: [] }').join('\n')).toMatch(/redis\.cluster/);
    expect(problemsOf('{ cluster: ["http://a:6379"] }').join('\n')).toContain('must be a redis:// or rediss:// URL');
    expect(problemsOf('{ url: "redis://a:6379", jobLeaseMs: 10 }').join('\n')).toMatch(/redis\.jobLeaseMs/);
    expect(problemsOf('{ url: "redis://a:6379", commandTimeoutMs: 10 }').join('\n')).toMatch(/redis\.commandTimeoutMs/);
    expect(problemsOf('{ url: "redis://a:6379", commandTimeoutMs: 1.5 }').join('\n')).toMatch(/redis\.commandTimeoutMs/);
    expect(problemsOf('{ url: "redis://a:6379", commandTimeoutMs: 600000 }').join('\n')).toMatch(/redis\.commandTimeoutMs/);
  });
});

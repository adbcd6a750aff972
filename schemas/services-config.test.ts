import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../src/config/load-config.js';

function problems(services: unknown, tenants: unknown = {}): string[] {
  try {
    validateConfig({ providers: { demo: { type: 'mock' } }, services, tenants });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

const target = { url: 'http://127.0.0.1:9000' };

describe('services configuration', () => {
  it('accepts the shape of the README and fills the defaults', () => {
    const config = validateConfig({
      providers: { demo: { type: 'mock' } },
      services: { billing: { mount: '/proxy/billing', targets: [{ url: 'http://10.0.0.5:8080/', weight: 2 }], balance: 'hash:x-user' } },
    });
    expect(config.services.billing).toMatchObject({
      targets: [{ url: 'http://10.0.0.5:8080', weight: 2 }],
      retries: { attempts: 1 },
      timeouts: { connectMs: 5000, firstByteMs: 30_000 },
      access: 'open',
      stripPrefix: false,
    });
  });

  it('refuses unknown keys, reserved or overlapping mounts, both stripPrefix and rewrite, and catastrophic rewrites', () => {
    expect(problems({ a: { mount: '/a', targets: [target], timeoutMS: 5 } }).join('\n')).toContain('timeoutMS');
    expect(problems({ a: { mount: '/v1/billing', targets: [target] } }).join('\n')).toContain('may not be under a path Tollgate answers itself');
    expect(problems({ a: { mount: '/x', targets: [target] }, b: { mount: '/x/y', targets: [target] } }).join('\n')).toContain('overlaps');
    expect(problems({ a: { mount: '/a', targets: [target], stripPrefix: true, rewrite: { '^/(.*)$': '/$1' } } }).join('\n')).toContain('not both');
    expect(problems({ a: { mount: '/a', targets: [target], rewrite: { '^(a+)+$': '/x' } } }).join('\n')).toContain('nests repetitions');
    expect(problems({ a: { mount: '/a', targets: [target], balance: 'random' } }).join('\n')).toContain('hash:<header name>');
    expect(problems({ a: { mount: '/a', targets: [] } }).length).toBeGreaterThan(0);
  });

  it('refuses tenant and key scopes naming services that are not configured', () => {
    const found = problems({ billing: { mount: '/b', targets: [target] } }, { acme: { services: ['biling'], keys: [{ name: 'k', key: 'tg_0123456789abcdef', scopes: { services: ['nope'] } }] } });
    expect(found.join('\n')).toContain('tenants.acme.services: names the service "biling", which is not configured. Did you mean "billing"?');
    expect(found.join('\n')).toContain('tenants.acme.keys[0].scopes.services');
  });
});

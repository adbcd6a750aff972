import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, upstreamRequestHeaders } from './forward-headers.js';
import { routeTemplate } from './route-template.js';
import { compileRewrite, upstreamPath } from './upstream-path.js';

describe('upstreamPath', () => {
  const rules = (extra: Partial<Parameters<typeof upstreamPath>[0]> = {}) => ({ mount: '/proxy/billing', stripPrefix: false, rewrite: [], ...extra });

  it('keeps, strips or rewrites the path, and always keeps the query', () => {
    expect(upstreamPath(rules(), '/proxy/billing/invoices', '?a=1')).toBe('/proxy/billing/invoices?a=1');
    expect(upstreamPath(rules({ stripPrefix: true }), '/proxy/billing/invoices', '?a=1')).toBe('/invoices?a=1');
    expect(upstreamPath(rules({ stripPrefix: true }), '/proxy/billing', '')).toBe('/');
    const rewrite = compileRewrite({ '^/v1/(.*)$': '/api/$1', '^/old$': 'new' });
    expect(upstreamPath(rules({ rewrite }), '/proxy/billing/v1/users', '')).toBe('/api/users');
    expect(upstreamPath(rules({ rewrite }), '/proxy/billing/old', '')).toBe('/new');
    expect(upstreamPath(rules({ rewrite }), '/proxy/billing/other', '')).toBe('/proxy/billing/other');
  });
});

describe('routeTemplate', () => {
  it('replaces identifiers and keeps words', () => {
    expect(routeTemplate('/b', '/b/invoices/42/lines')).toBe('/b/invoices/:id/lines');
    expect(routeTemplate('/b', '/b/users/3f2b8c1e-5a4d-4e7f-9a0b-1c2d3e4f5a6b')).toBe('/b/users/:id');
    expect(routeTemplate('/b', '/b/users/ada@example.com')).toBe('/b/users/:id');
    expect(routeTemplate('/b', '/b')).toBe('/b');
  });

  it('is bounded, and no kept segment carries more than one digit', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 60 }), { maxLength: 40 }), (segments) => {
        const template = routeTemplate('/m', `/m/${segments.join('/')}`);
        expect(template.length).toBeLessThanOrEqual(200);
        for (const segment of template.split('/')) expect((segment.match(/\d/g) ?? []).length).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('forwarded headers', () => {
  const context = {
    clientAddress: '10.1.1.1',
    protocol: 'https' as const,
    host: 'gw.example.com',
    requestId: 'req_1',
    traceparent: '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01',
    tracestate: undefined,
    remove: new Set(['cookie']),
    set: { 'X-Api-Key': 'secret' },
  };

  it('drops hop-by-hop headers, the Tollgate key and what Connection names; sets forwarding headers', () => {
    const incoming = new Headers({
      authorization: 'Bearer tg_key',
      'x-api-key': 'tg_key',
      connection: 'keep-alive, x-private',
      'x-private': 'no',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'x-forwarded-for': '192.0.2.1',
      'x-forwarded-host': 'spoofed',
      cookie: 'a=1',
      'content-type': 'application/json',
      tracestate: 'vendor=1',
    });
    expect(upstreamRequestHeaders(incoming, context)).toEqual({
      'content-type': 'application/json',
      'x-forwarded-for': '192.0.2.1, 10.1.1.1',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'gw.example.com',
      'x-request-id': 'req_1',
      traceparent: context.traceparent,
      'x-api-key': 'secret',
    });
  });

  it('passes response headers but hop-by-hop ones, repeated headers kept', () => {
    const headers = new Headers(clientResponseHeaders({ 'set-cookie': ['a=1', 'b=2'], connection: 'close, x-hop', 'x-hop': '1', 'content-length': '5', 'transfer-encoding': 'chunked' }));
    expect(headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(headers.get('x-hop')).toBeNull();
    expect(headers.get('transfer-encoding')).toBeNull();
    expect(headers.get('content-length')).toBe('5');
  });

  it('gives a plain object when no header repeats, without the hop-by-hop ones', () => {
    expect(clientResponseHeaders({ connection: 'close, x-hop', 'x-hop': '1', 'content-length': '5', 'content-type': 'application/json', 'keep-alive': 'timeout=5' })).toEqual({
      'content-length': '5',
      'content-type': 'application/json',
    });
  });

  it('reads Node\'s parsed request headers as it reads web Headers', () => {
    const context = { clientAddress: undefined, protocol: 'http' as const, host: undefined, requestId: 'req_2', traceparent: '00-1-2-00', tracestate: undefined, remove: new Set<string>(), set: {} };
    const node = { 'content-type': 'text/plain', connection: 'x-private', 'x-private': 'no', authorization: 'Bearer tg', 'x-forwarded-for': '192.0.2.1, 192.0.2.2', accept: 'a, b' };
    expect(upstreamRequestHeaders(node, context)).toEqual(upstreamRequestHeaders(new Headers(node), context));
    expect(upstreamRequestHeaders(node, context)).toEqual({ 'content-type': 'text/plain', accept: 'a, b', 'x-forwarded-for': '192.0.2.1, 192.0.2.2', 'x-forwarded-proto': 'http', 'x-request-id': 'req_2', traceparent: '00-1-2-00' });
  });
});

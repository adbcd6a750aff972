import { describe, expect, it } from 'vitest';
import { CacheStats } from './cache-stats.js';
import { MemoryCacheStore } from './cache-store.js';
import { HttpResponseCache, matchesEtag, type HttpCacheRequest } from './http-cache.js';

const scope = { tenantId: 'acme', service: 'billing' };
const get = (headers: Record<string, string> = {}, url = '/invoices?page=1'): HttpCacheRequest => ({ method: 'GET', url, headers: { host: 'billing.internal', ...headers } });
const body = new TextEncoder().encode('{"invoices":[]}');

function cache(maxEntryBytes = 1024) {
  const stats = new CacheStats();
  return { stats, http: new HttpResponseCache(new MemoryCacheStore(1 << 20), stats, maxEntryBytes) };
}

describe('HttpResponseCache', () => {
  it('serves a fresh answer (max-age) with its status, body, Age and a hit header, and counts per service', async () => {
    const { http, stats } = cache();
    const response = { status: 200, headers: { 'cache-control': 'max-age=60', 'content-type': 'application/json', etag: '"v1"' } };
    expect(http.storable(get(), response)).toBe(true);
    await http.keep(scope, get(), response, body);
    const hit = await http.lookup(scope, get());
    expect(hit?.status).toBe(200);
    expect(await hit?.text()).toBe('{"invoices":[]}');
    expect(hit?.headers.get('age')).toMatch(/^\d+$/);
    expect(hit?.headers.get('x-tollgate-cache')).toBe('hit');
    expect(await http.lookup(scope, get({}, '/invoices?page=2'))).toBeUndefined();
    expect(await http.lookup({ ...scope, tenantId: 'other' }, get())).toBeUndefined();
    expect(stats.report().services).toEqual([{ name: 'billing', hits: 1, misses: 2, hitRatio: 1 / 3 }]);
  });

  it('answers 304 without a body when If-None-Match holds the kept ETag (weakly compared)', async () => {
    const { http } = cache();
    await http.keep(scope, get(), { status: 200, headers: { 'cache-control': 'max-age=60', etag: 'W/"v1"', 'content-type': 'application/json' } }, body);
    const notModified = await http.lookup(scope, get({ 'if-none-match': '"v0", "v1"' }));
    expect(notModified?.status).toBe(304);
    expect(await notModified?.text()).toBe('');
    expect(notModified?.headers.get('etag')).toBe('W/"v1"');
    expect(notModified?.headers.get('content-type')).toBeNull();
    expect((await http.lookup(scope, get({ 'if-none-match': '"v2"' })))?.status).toBe(200);
  });

  it('never keeps private, no-store, unstated-freshness, non-GET, oversized or Authorization answers', () => {
    const { http } = cache(8);
    const small = { 'content-length': '4' };
    expect(http.storable(get(), { status: 200, headers: { ...small, 'cache-control': 'private, max-age=60' } })).toBe(false);
    expect(http.storable(get(), { status: 200, headers: { ...small, 'cache-control': 'no-store' } })).toBe(false);
    expect(http.storable(get(), { status: 200, headers: { ...small, 'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT' } })).toBe(false);
    expect(http.storable({ ...get(), method: 'POST' }, { status: 200, headers: { ...small, 'cache-control': 'max-age=60' } })).toBe(false);
    expect(http.storable(get(), { status: 200, headers: { 'content-length': '9', 'cache-control': 'max-age=60' } })).toBe(false);
    expect(http.storable(get({ authorization: 'Bearer x' }), { status: 200, headers: { ...small, 'cache-control': 'max-age=60' } })).toBe(false);
    expect(http.storable(get({ 'cache-control': 'no-store' }), { status: 200, headers: { ...small, 'cache-control': 'max-age=60' } })).toBe(false);
  });

  it('serves a kept answer only to requests that agree on its Vary headers, and not to a client asking no-cache', async () => {
    const { http } = cache();
    await http.keep(scope, get({ 'accept-language': 'en' }), { status: 200, headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' } }, body);
    expect((await http.lookup(scope, get({ 'accept-language': 'en' })))?.status).toBe(200);
    expect(await http.lookup(scope, get({ 'accept-language': 'de' }))).toBeUndefined();
    expect(await http.lookup(scope, get({ 'accept-language': 'en', 'cache-control': 'no-cache' }))).toBeUndefined();
  });

  it('compares entity tags as RFC 9110 says', () => {
    expect(matchesEtag('*', '"a"')).toBe(true);
    expect(matchesEtag('"a"', 'W/"a"')).toBe(true);
    expect(matchesEtag('"b", W/"a"', '"a"')).toBe(true);
    expect(matchesEtag('"b"', '"a"')).toBe(false);
    expect(matchesEtag(undefined, '"a"')).toBe(false);
    expect(matchesEtag('"a"', null)).toBe(false);
  });
});

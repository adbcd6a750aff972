/**
 * @module cache/http-cache
 * REST GET answers cached by HTTP's own rules (RFC 9111), as a shared cache: `Cache-Control`
 * (`max-age`, `s-maxage`, `no-store`, `no-cache`, `private` — never kept here), `Expires`, `Vary`
 * (a kept answer serves only requests that agree on the varied headers), `Age`; the rules come
 * from `http-cache-semantics`, the library npm's own cache and `got` use. A client's
 * `If-None-Match` that matches the kept answer's `ETag` gets a 304 without a body (RFC 9110
 * §13.1.2, weak comparison). Answers are kept per tenant and service; only ones without heuristic
 * freshness (the service must say how long an answer stays fresh).
 *
 * Requests given here are the ones sent upstream: their headers must not carry the caller's
 * Tollgate key (a shared cache does not keep answers to requests with `Authorization`).
 */
import { createHash } from 'node:crypto';
import CachePolicy from 'http-cache-semantics';
import type { CacheStats } from './cache-stats.js';
import type { CacheStore } from './cache-store.js';

export interface HttpCacheScope {
  tenantId: string;
  service: string;
}

export interface HttpCacheRequest {
  method: string;
  /** The path and query sent upstream. */
  url: string;
  headers: Record<string, string>;
}

export interface HttpCacheResponse {
  status: number;
  headers: Record<string, string>;
}

interface KeptAnswer {
  policy: CachePolicy.CachePolicyObject;
  status: number;
  body: string;
}

/** Freshness only when the service states it: no guessing from Last-Modified. */
const policyOptions = { shared: true, cacheHeuristic: 0, immutableMinTimeToLive: 0 };

export class HttpResponseCache {
  constructor(
    private readonly store: CacheStore,
    private readonly stats: CacheStats,
    private readonly maxEntryBytes: number,
  ) {}

  /** A fresh kept answer for the request (a 304 when the client already holds it), or undefined. */
  async lookup(scope: HttpCacheScope, request: HttpCacheRequest): Promise<Response | undefined> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const kept = await this.read(scope, request);
    const policy = kept && CachePolicy.fromObject(kept.policy);
    const fresh = policy !== undefined && policy.satisfiesWithoutRevalidation(request);
    this.stats.service(scope.service, fresh);
    if (!kept || !policy || !fresh) return undefined;
    const headers = new Headers(policy.responseHeaders() as Record<string, string>);
    headers.set('x-tollgate-cache', 'hit');
    if (matchesEtag(request.headers['if-none-match'], headers.get('etag'))) return new Response(null, { status: 304, headers: notModifiedHeaders(headers) });
    return new Response(request.method === 'HEAD' ? null : Buffer.from(kept.body, 'base64'), { status: kept.status, headers });
  }

  /** Whether the answer may be kept, decided from its head before its body is read. */
  storable(request: HttpCacheRequest, response: HttpCacheResponse): boolean {
    if (request.method !== 'GET') return false;
    const declared = Number(response.headers['content-length'] ?? 0);
    if (declared > this.maxEntryBytes) return false;
    const policy = new CachePolicy(request, response, policyOptions);
    return policy.storable() && policy.timeToLive() > 0;
  }

  /** Keeps a whole answer whose head was `storable`; a body over `cache.maxEntryBytes` is not kept. */
  async keep(scope: HttpCacheScope, request: HttpCacheRequest, response: HttpCacheResponse, body: Uint8Array): Promise<void> {
    if (body.byteLength > this.maxEntryBytes || !this.storable(request, response)) return;
    const policy = new CachePolicy(request, response, policyOptions);
    const kept: KeptAnswer = { policy: policy.toObject(), status: response.status, body: Buffer.from(body).toString('base64') };
    await this.store.set(this.key(scope, request), JSON.stringify(kept), policy.timeToLive());
  }

  private async read(scope: HttpCacheScope, request: HttpCacheRequest): Promise<KeptAnswer | undefined> {
    try {
      const text = await this.store.get(this.key(scope, request));
      return text === undefined ? undefined : (JSON.parse(text) as KeptAnswer);
    } catch {
      return undefined;
    }
  }

  /** HEAD is answered from the GET answer. */
  private key(scope: HttpCacheScope, request: HttpCacheRequest): string {
    return `http:${scope.tenantId}:${scope.service}:${createHash('sha256').update(request.url).digest('base64url')}`;
  }
}

/** RFC 9110 §13.1.2: `*`, or any listed entity tag equal to the kept one, weakly compared (`W/` ignored). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string | null): boolean {
  if (!ifNoneMatch || !etag) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const kept = opaque(etag);
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === kept);
}

/** RFC 9110 §15.4.5: a 304 carries the validators and caching headers a 200 would have, no content headers. */
function notModifiedHeaders(headers: Headers): Headers {
  const kept = new Headers();
  for (const name of ['etag', 'cache-control', 'expires', 'vary', 'date', 'content-location', 'age', 'x-tollgate-cache']) {
    const value = headers.get(name);
    if (value !== null) kept.set(name, value);
  }
  return kept;
}

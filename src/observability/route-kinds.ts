/**
 * @module observability/route-kinds
 * Which requests are calls, and their route kind (the ledger's `kind`, the metrics' `route`
 * label). A request that matches none (admin, health, listings, documentation) is not a call: it
 * gets no access-log line and no per-call metrics. A new inbound route adds its line here.
 */
import type { CallKind } from '../ledger/types.js';

const routes: Array<{ method: string; path: RegExp; kind: CallKind }> = [
  { method: 'POST', path: /^\/v1\/chat\/completions\/?$/, kind: 'chat' },
  { method: 'POST', path: /^\/v1\/embeddings\/?$/, kind: 'embeddings' },
  // A prompt call, latest or one version; not the subscription request.
  { method: 'POST', path: /^\/v1\/prompts\/[^/]+(\/versions\/[^/]+)?\/?$/, kind: 'prompt' },
  // Other inbound protocols are chat calls under another wire format (the ledger's `protocol`).
  { method: 'POST', path: /^\/v1\/messages\/?$/, kind: 'chat' },
  { method: 'POST', path: /^\/v1\/responses\/?$/, kind: 'chat' },
  { method: 'POST', path: /^\/v1\/completions\/?$/, kind: 'chat' },
  { method: 'POST', path: /^\/v1beta\/models\/.+:(generateContent|streamGenerateContent)$/, kind: 'chat' },
  { method: 'POST', path: /^\/v1\/images\/generations\/?$/, kind: 'images' },
  { method: 'POST', path: /^\/v1\/audio\/(transcriptions|speech)\/?$/, kind: 'audio' },
  { method: 'POST', path: /^\/v1\/moderations\/?$/, kind: 'moderations' },
];

/**
 * `isServiceMount` says whether a path is at or under a configured REST service's mount (any
 * method there is a `proxy` call); mounts are configuration, so the caller supplies the lookup.
 */
export function routeKindOf(method: string, path: string, isServiceMount?: (path: string) => boolean): CallKind | undefined {
  if (!path.startsWith('/v1/') && !path.startsWith('/v1beta/')) return isServiceMount?.(path) ? 'proxy' : undefined;
  for (const route of routes) {
    if (route.method === method && route.path.test(path)) return route.kind;
  }
  return undefined;
}

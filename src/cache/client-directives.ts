/**
 * @module cache/client-directives
 * What a client's `Cache-Control` request header asks of the cache (RFC 9111 §5.2.1):
 * `no-store` — neither answer from the cache nor keep this answer; `no-cache` — do not answer
 * from the cache (fetch anew), but the fresh answer may be kept.
 */
export interface ClientDirectives {
  lookup: boolean;
  store: boolean;
}

export function clientDirectives(cacheControl: string | undefined): ClientDirectives {
  if (!cacheControl) return { lookup: true, store: true };
  const directives = new Set(cacheControl.toLowerCase().split(',').map((part) => part.trim().split('=')[0]));
  if (directives.has('no-store')) return { lookup: false, store: false };
  if (directives.has('no-cache')) return { lookup: false, store: true };
  return { lookup: true, store: true };
}

/**
 * @module proxy/upstream-address
 * Where an attempt is sent, as undici's dispatcher takes it: the target's origin (the key of its
 * connection pool) and the path with the query. The target's URL is parsed once, when the service
 * is built; per call, a path of characters a URL parser leaves as they are is joined to it as is,
 * and anything else (dot segments, `%2e`, quotes, spaces, non-ASCII, an empty `?`) goes through
 * `new URL` exactly as `undici.request(url)` would take it — a URL parse per call was ~1.5% of a
 * REST call's CPU.
 */

export interface TargetAddress {
  /** `http://10.0.0.5:8080`: what `new URL(...).origin` gives for every path under the target. */
  origin: string;
  /** The target's own base path (`/base`), or '' when it has none. */
  base: string;
}

/** The parts of a target's URL, or undefined when it is not in the normalised form a join can trust (each call then parses). */
export function targetAddress(url: string): TargetAddress | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) return undefined;
  // `http://h:1` reads back as `http://h:1/`: no base. `http://h:1/base` as itself. Anything else (an upper-case host, a default port, escapes) is left to the parser.
  if (parsed.href === `${url}/` && parsed.pathname === '/') return { origin: parsed.origin, base: '' };
  if (parsed.href === url && plainPath.test(parsed.pathname)) return { origin: parsed.origin, base: parsed.pathname };
  return undefined;
}

/** Path characters a WHATWG URL parser keeps unchanged in an http(s) path (`'` and `%` included: neither is encoded there). */
const plainPath = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
/** The same for a query, less `'` (encoded in a special URL's query). */
const plainQuery = /^[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*$/;
/** A segment the parser would resolve: `.` or `..`, also spelt `%2e`. */
const maybeDotSegment = /\/\.|%2e/i;

/**
 * `undici.request(url + path)`'s origin and path, without parsing when `path` (starting with `/`,
 * query included) cannot change under the parser.
 */
export function upstreamAddress(url: string, address: TargetAddress | undefined, path: string): { origin: string; path: string } {
  if (address) {
    const full = address.base + path;
    const query = full.indexOf('?');
    const pathname = query === -1 ? full : full.slice(0, query);
    if (
      plainPath.test(pathname) &&
      !maybeDotSegment.test(pathname) &&
      (query === -1 || (query < full.length - 1 && plainQuery.test(full.slice(query + 1))))
    ) {
      return { origin: address.origin, path: full };
    }
  }
  const parsed = new URL(`${url}${path}`);
  return { origin: parsed.origin, path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname };
}

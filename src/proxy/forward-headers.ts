/**
 * @module proxy/forward-headers
 * The headers a proxied request carries upstream and a proxied answer carries back. Hop-by-hop
 * headers (RFC 9110 §7.6.1, plus those named in `Connection`) never cross; the caller's Tollgate
 * key (`Authorization`, `x-api-key`) never reaches the service; `X-Forwarded-*`, `x-request-id`
 * and `traceparent` are set; then the service's configured `remove` and `set` apply.
 */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);
const tollgateCredentials = new Set(['authorization', 'x-api-key', 'x-goog-api-key']);
/** Never forwarded upstream: one lookup per header instead of two. */
const neverUpstream = new Set([...hopByHop, ...tollgateCredentials]);

export interface ForwardContext {
  clientAddress: string | undefined;
  protocol: 'http' | 'https';
  host: string | undefined;
  requestId: string;
  traceparent: string;
  tracestate: string | undefined;
  remove: ReadonlySet<string>;
  set: Readonly<Record<string, string>>;
}

/** The client's headers as Node parsed them (lower-case names, repeats joined) or as a web `Headers`. */
export type IncomingHeaders = Headers | Readonly<Record<string, string | string[] | undefined>>;

export function upstreamRequestHeaders(incoming: IncomingHeaders, context: ForwardContext): Record<string, string> {
  const plain = incoming instanceof Headers ? Object.fromEntries(incoming) : incoming;
  const dropped = listedNames(plain.connection);
  const headers: Record<string, string> = {};
  for (const name in plain) {
    const value = plain[name];
    if (value === undefined || neverUpstream.has(name) || dropped?.has(name) || name.startsWith('x-forwarded-')) continue;
    // Only `set-cookie` is a list in Node's parsed headers; a request has none worth keeping apart.
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const priorFor = single(plain['x-forwarded-for']);
  if (context.clientAddress) headers['x-forwarded-for'] = priorFor ? `${priorFor}, ${context.clientAddress}` : context.clientAddress;
  else if (priorFor) headers['x-forwarded-for'] = priorFor;
  headers['x-forwarded-proto'] = context.protocol;
  if (context.host) headers['x-forwarded-host'] = context.host;
  headers['x-request-id'] = context.requestId;
  headers.traceparent = context.traceparent;
  if (context.tracestate) headers.tracestate = context.tracestate;
  else delete headers.tracestate;
  for (const name of context.remove) delete headers[name];
  const set = context.set;
  for (const name in set) headers[name.toLowerCase()] = set[name];
  return headers;
}

/**
 * The upstream's response headers minus hop-by-hop ones, for the client: a plain object (the Node
 * adapter writes one as it is; a web `Headers` it would validate, copy and convert back), unless a
 * header comes more than once (`set-cookie`), which only `Headers` keeps apart.
 */
export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): Record<string, string> | Headers {
  const dropped = listedNames(upstream.connection);
  const headers: Record<string, string> = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || hopByHop.has(name) || dropped?.has(name)) continue;
    if (Array.isArray(value)) return asHeaders(upstream, dropped);
    headers[name] = value;
  }
  return headers;
}

function asHeaders(upstream: Record<string, string | string[] | undefined>, dropped: Set<string> | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || hopByHop.has(name) || dropped?.has(name)) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

/** The header names a `Connection` header lists (hop-by-hop too), or undefined when it lists none. */
function listedNames(connection: string | string[] | undefined): Set<string> | undefined {
  if (!connection) return undefined;
  // `Connection: keep-alive` (nearly every answer) names only a header dropped anyway.
  if (typeof connection === 'string' && hopByHop.has(connection.toLowerCase())) return undefined;
  const names = (Array.isArray(connection) ? connection.join(',') : connection)
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return names.length > 0 ? new Set(names) : undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

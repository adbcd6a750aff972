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

export function upstreamRequestHeaders(incoming: Headers, context: ForwardContext): Record<string, string> {
  const dropped = connectionListed(incoming);
  const headers: Record<string, string> = {};
  incoming.forEach((value, name) => {
    if (hopByHop.has(name) || dropped.has(name) || tollgateCredentials.has(name) || name.startsWith('x-forwarded-')) return;
    headers[name] = value;
  });
  const priorFor = incoming.get('x-forwarded-for');
  if (context.clientAddress) headers['x-forwarded-for'] = priorFor ? `${priorFor}, ${context.clientAddress}` : context.clientAddress;
  else if (priorFor) headers['x-forwarded-for'] = priorFor;
  headers['x-forwarded-proto'] = context.protocol;
  if (context.host) headers['x-forwarded-host'] = context.host;
  headers['x-request-id'] = context.requestId;
  headers.traceparent = context.traceparent;
  if (context.tracestate) headers.tracestate = context.tracestate;
  else delete headers.tracestate;
  for (const name of context.remove) delete headers[name];
  for (const [name, value] of Object.entries(context.set)) headers[name.toLowerCase()] = value;
  return headers;
}

/** The upstream's response headers minus hop-by-hop ones, for the client. */
export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  const connection = upstream.connection;
  const dropped = new Set(
    (Array.isArray(connection) ? connection.join(',') : (connection ?? ''))
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || hopByHop.has(name) || dropped.has(name)) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

function connectionListed(incoming: Headers): Set<string> {
  const connection = incoming.get('connection');
  if (!connection) return new Set();
  return new Set(connection.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean));
}

/**
 * @module server/node-objects
 * The Node request and response behind the `@hono/node-server` adapter (its `env.incoming` and
 * `env.outgoing`), for the work that is cheaper on them than on the web `Request`/`Response`
 * (reading a body into one Buffer, setting a header the route's answer keeps, writing a stream,
 * noticing the client leave). Undefined under `app.request()` (tests), where the web objects serve.
 */
import { IncomingMessage, ServerResponse } from 'node:http';

export function nodeIncoming(env: unknown): IncomingMessage | undefined {
  const incoming = (env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

export function nodeOutgoing(env: unknown): ServerResponse | undefined {
  const outgoing = (env as { outgoing?: unknown } | undefined)?.outgoing;
  return outgoing instanceof ServerResponse ? outgoing : undefined;
}

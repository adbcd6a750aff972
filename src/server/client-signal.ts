/**
 * @module server/client-signal
 * The signal a call hands upstream so that a client who leaves before its answer was written
 * aborts the upstream request (and the retries, backoffs and idempotency waits on its behalf): a
 * `PlainAbortSignal` (router/plain-abort-signal.ts, not an `AbortController`: see there why),
 * aborted when the Node response closes unfinished.
 */
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { GatewayEnv } from './gateway-env.js';
import { PlainAbortSignal } from '../router/plain-abort-signal.js';
import { nodeOutgoing } from './node-objects.js';

/**
 * The call's client signal: aborted when the Node response closes before it finished (the client
 * reset or closed the connection). Made once per request, on first use. Under `app.request()`
 * (no Node response) the adapter's own `Request.signal`.
 */
export function clientSignal(context: Context<GatewayEnv>): AbortSignal {
  const known = context.get('clientSignal');
  if (known) return known;
  const outgoing = nodeOutgoing(context.env);
  const signal = outgoing ? abortedOnClose(outgoing) : context.req.raw.signal;
  context.set('clientSignal', signal);
  return signal;
}

function abortedOnClose(outgoing: ServerResponse): AbortSignal {
  const signal = new PlainAbortSignal();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) signal.abort(new Error('the client closed the connection'));
  });
  return signal;
}

/**
 * @module observability/observe-requests
 * The middleware in front of every route. For a call (see route-kinds.ts) it opens the call's
 * track (timing, trace, the caller's `traceparent`) before anything else runs, and when the call
 * ended without a metered call — refused before it was admitted — it makes sure the call is not
 * lost: an authenticated caller's failure (400 invalid body, 404 unknown model...) gets its ledger
 * row like every call, and any other (401) is still timed, counted and logged. On every route,
 * 401 and 403 answers are counted by reason and handed to the audit trail.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { MeteredCall } from '../calls/metered-call.js';
import { presentedKey } from '../auth/api-key.js';
import { sourceOf } from '../audit/audit-changes.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import type { CallTrack } from './call-track.js';
import { routeKindOf } from './route-kinds.js';

/** Echo a caller's own request id only if it is short and plain (as app.ts does). */
const acceptableClientRequestId = /^[A-Za-z0-9._:-]{1,128}$/;
const plainReason = /^[a-z0-9_]{1,64}$/;

export function observeRequests(): MiddlewareHandler<GatewayEnv> {
  return async function observeRequest(context, next) {
    const services = context.get('gateway');
    const kind = routeKindOf(context.req.method, context.req.path, (path) => services.proxy.forPath(path) !== undefined);
    let track: CallTrack | undefined;
    if (kind) {
      const clientRequestId = context.req.header('x-request-id');
      track = services.observability.tracker.open(
        context.get('requestId'),
        kind,
        { method: context.req.method, path: context.req.path, header: (name) => context.req.header(name) },
        clientRequestId && acceptableClientRequestId.test(clientRequestId) ? clientRequestId : undefined,
      );
    }
    try {
      await next();
    } finally {
      const error = context.error instanceof GatewayError ? context.error : undefined;
      if (error && (error.status === 401 || error.status === 403)) securityRefusal(context, error);
      if (track && !track.admitted && !track.finished) endUnadmitted(context, track, error);
      const caller = context.get('caller');
      const capture = services.observability.bodyCapture;
      // A proxied body streams through and is never held, so it is never captured either.
      if (track && kind !== 'proxy' && capture && caller?.kind === 'tenant' && capture.wants(caller.tenant)) {
        // The route read the body itself (read-body-bytes.ts): the bytes are kept, the stream is spent.
        const requestBody = context.get('requestBody');
        capture.capture({ requestId: track.requestId, tenantId: caller.tenant.id, request: requestBody ? Promise.resolve(requestBody) : context.req.arrayBuffer(), response: context.res });
      }
    }
  };
}

function securityRefusal(context: Context<GatewayEnv>, error: GatewayError): void {
  const services = context.get('gateway');
  const reason = error.code && plainReason.test(error.code) ? error.code : 'other';
  services.observability.securityRefusal(error.status, reason);
  // Refused authentications anywhere, refused authorisation on the admin API: the audit trail.
  if (services.audit && (error.status === 401 || context.req.path.startsWith('/admin/'))) {
    services.audit.refusal({
      status: error.status,
      reason,
      actor: presentedKeyId(context),
      source: sourceOf(context),
      method: context.req.method,
      path: context.req.path,
      forwardedFor: context.req.header('x-forwarded-for'),
    });
  }
}

/** The refused key's id when it exists (revoked, expired, wrong role), else its first characters as the error shows them. */
function presentedKeyId(context: Context<GatewayEnv>): string | null {
  const raw = presentedKey(context.req.header('authorization'), context.req.header('x-api-key'));
  if (!raw) return null;
  const found = context.get('gateway').keyStore.lookup(raw);
  return found ? found.key.id : `${raw.slice(0, 6)}...`;
}

/** A call that never reached its metered call: a ledger row when the caller is known, else a log line. */
function endUnadmitted(context: Context<GatewayEnv>, track: CallTrack, error: GatewayError | undefined): void {
  const services = context.get('gateway');
  const status = context.res.status;
  const caller = context.get('caller');
  if (caller?.kind === 'tenant' && status >= 400) {
    const failure =
      error ??
      new GatewayError(status, 'the call failed before it was admitted', { code: status >= 500 ? 'internal_error' : null });
    MeteredCall.recordRejected(
      services.metering,
      {
        caller,
        kind: track.routeKind as Parameters<typeof MeteredCall.recordRejected>[1]['kind'],
        target: { publicModel: null, providerName: null, providerType: null, upstreamModel: null },
        streamed: false,
        requestId: track.requestId,
        promptTokensUpperBound: 0,
        maxOutputTokens: 0,
      },
      failure,
      Date.now() - Math.round(performance.now() - track.startedAt),
    );
    // A tracker that saw no row (observer absent) must still forget the call.
    if (!track.finished) services.observability.tracker.endedWithoutRow(track, { status, errorCode: failure.code });
    return;
  }
  services.observability.tracker.endedWithoutRow(track, { status, errorCode: error?.code ?? (status >= 500 ? 'internal_error' : null) });
}

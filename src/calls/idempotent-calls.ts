/**
 * @module calls/idempotent-calls
 * The one place where `Idempotency-Key` meets the request path, in front of every call route
 * (chat and the other chat protocols, prompt APIs, embeddings, images, audio, moderations; a REST
 * proxy mount adds it to its own path): after authentication (keys are per tenant) and before the
 * route, so a replay runs nothing at all — no quota, no upstream call, no ledger row.
 *
 * The first request runs as usual; its answer is copied as it goes to the client and kept once it
 * ended, if the call succeeded (its ledger status is 2xx, which a stream that failed half-way is
 * not). Anything else frees the key for a retry.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { answerHeaders, captureAnswer, idempotencyKeyHeader, replayResponse, requestFingerprint, type CapturedBody, type IdempotencyTicket } from '../idempotency/index.js';
import { logger } from '../logging/logger.js';
import { routeKindOf } from '../observability/route-kinds.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { readBodyBytes } from '../server/read-body-bytes.js';
import { tenantCaller } from '../server/tenant-auth.js';
import { clientSignal } from '../server/client-signal.js';

/** How long a kept answer waits for its call's ledger status after the body ended (a stream's estimate may still run). */
const outcomeWaitMs = 30_000;

export interface IdempotentCallsOptions {
  /** Which requests are calls; by default the routes of `observability/route-kinds.ts`. */
  isCall?: (method: string, path: string) => boolean;
}

export function idempotentCalls(options: IdempotentCallsOptions = {}): MiddlewareHandler<GatewayEnv> {
  const isCall = options.isCall ?? ((method, path) => routeKindOf(method, path) !== undefined);
  return async function idempotentCall(context, next) {
    const header = context.req.header(idempotencyKeyHeader);
    if (header === undefined || context.req.method !== 'POST' || !isCall(context.req.method, context.req.path)) return next();
    const services = context.get('gateway');
    const body = await readBodyBytes(context, services.config.server.bodyLimitBytes);
    context.set('requestBody', body);
    const fingerprint = requestFingerprint('POST', pathAndQuery(context), body);
    const admission = await services.idempotency.admit(tenantCaller(context).tenant.id, header, fingerprint, clientSignal(context));
    if (admission.kind === 'replay') return replayResponse(admission.answer);
    if (admission.kind === 'unprotected') return next();
    await runFirst(context, next, admission.ticket);
  };
}

async function runFirst(context: Context<GatewayEnv>, next: () => Promise<void>, ticket: IdempotencyTicket): Promise<void> {
  const services = context.get('gateway');
  const requestId = context.get('requestId');
  const outcomes = services.metering.outcomes;
  const outcome = outcomes?.expect(requestId);
  try {
    await next();
  } catch (error) {
    outcomes?.forget(requestId);
    ticket.release();
    throw error;
  }
  const response = context.res;
  if (response.status < 200 || response.status >= 300) {
    outcomes?.forget(requestId);
    ticket.release();
    return;
  }
  const headers = answerHeaders(response.headers);
  const settle = async (captured: CapturedBody) => {
    const status = await callStatus(outcome, response.status);
    outcomes?.forget(requestId);
    if (captured.outcome === 'abandoned' || status < 200 || status >= 300) ticket.release();
    else if (captured.outcome === 'too_large') ticket.keep({ tooLarge: true, requestId });
    else ticket.keep({ status: response.status, headers, body: captured.body, requestId });
  };
  context.res = captureAnswer(response, services.idempotency.config.maxAnswerBytes, (captured) => {
    settle(captured).catch((error) => {
      logger.error('keeping an idempotent answer failed', { requestId, error: String(error) });
      ticket.release();
    });
  });
}

/** The call's ledger status; the HTTP status for a route that ran no metered call, or whose status never came. */
async function callStatus(outcome: Promise<number> | undefined, httpStatus: number): Promise<number> {
  if (!outcome) return httpStatus;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(httpStatus), outcomeWaitMs)));
  try {
    return await Promise.race([outcome, late]);
  } finally {
    clearTimeout(timer);
  }
}

function pathAndQuery(context: Context<GatewayEnv>): string {
  const url = context.req.url;
  const query = url.indexOf('?');
  return query < 0 ? context.req.path : context.req.path + url.slice(query);
}

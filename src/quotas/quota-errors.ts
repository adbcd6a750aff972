/**
 * @module quotas/quota-errors
 * The errors a reservation can end in. A spent money budget is OpenAI's `insufficient_quota` (the
 * SDKs raise it as a RateLimitError whose code tells a client that retrying soon is pointless);
 * every other limit is `rate_limit_error` / `rate_limit_exceeded`. Both are 429 with `Retry-After`
 * in whole seconds until the window resets. A backend outage under a fail-closed policy is a 503.
 */
import { GatewayError } from '../errors/gateway-error.js';
import type { PlannedCounter } from './counter-plan.js';
import { formatResetDuration } from './rate-limit-headers.js';
import { msUntilReset } from './windows.js';

export interface RefusalContext {
  counter: PlannedCounter;
  /** The counter's value before this request (nothing was reserved). */
  current: number;
  tenantId: string;
  timeZone: string;
  now: number;
  /** `x-ratelimit-*` headers to send with the error. */
  rateLimitHeaders: Record<string, string>;
}

/**
 * A 429 from a quota window. `metric` says which kind of limit refused (a smaller demand can only
 * help `tok` and `cost`); `refusal` names the limit for metrics (`tollgate_quota_refusals_total`).
 */
export class QuotaRefusal extends GatewayError {
  constructor(
    readonly metric: PlannedCounter['metric'],
    message: string,
    options: ConstructorParameters<typeof GatewayError>[2],
    readonly refusal: { scope: string; limit: string; window: string },
  ) {
    super(429, message, options);
  }
}

const limitNames: Record<string, string> = {
  'req:minute': 'requests_per_minute',
  'tok:minute': 'tokens_per_minute',
  'tok:day': 'tokens_per_day',
  'cost:day': 'cost_per_day',
  'cost:month': 'cost_per_month',
  'conc:concurrency': 'concurrent_requests',
};

export function quotaExceededError(context: RefusalContext): QuotaRefusal {
  const { counter, now } = context;
  const retryAfterSeconds = counter.kind === 'concurrency' ? 1 : Math.max(1, Math.ceil(msUntilReset(counter.window, now) / 1000));
  const headers = { ...context.rateLimitHeaders, 'retry-after': String(retryAfterSeconds) };
  const refusal = { scope: counter.scope, limit: limitNames[`${counter.metric}:${counter.kind}`] ?? counter.metric, window: counter.kind };
  if (counter.metric === 'cost') {
    return new QuotaRefusal(counter.metric, moneyMessage(context), { type: 'insufficient_quota', code: 'insufficient_quota', headers }, refusal);
  }
  return new QuotaRefusal(counter.metric, rateMessage(context), { type: 'rate_limit_error', code: 'rate_limit_exceeded', headers }, refusal);
}

/**
 * A request whose worst case is larger than a whole window of a limit: no wait can admit it, so
 * it is a 400 (which no SDK retries), without `Retry-After`, saying what to change.
 */
export function largerThanLimitError(counter: Pick<PlannedCounter, 'scope' | 'metric' | 'kind' | 'limit' | 'amount'>, tenantId: string, demand: { promptTokens: number; maxOutputTokens: number }): GatewayError {
  const who = subjectName(counter, tenantId);
  const per = counter.kind === 'minute' ? 'minute' : counter.kind === 'month' ? 'month' : 'day';
  const parts = `a prompt of up to ${demand.promptTokens} tokens plus up to ${demand.maxOutputTokens} output tokens`;
  const limit =
    counter.metric === 'cost'
      ? `a spending limit of ${formatUsd(counter.limit)} per ${per}, and this request may cost up to ${formatUsd(counter.amount)} (${parts})`
      : `a limit of ${counter.limit} tokens per ${per}, and this request may use up to ${counter.amount} tokens (${parts})`;
  const outputAlone = counter.metric === 'tok' && demand.maxOutputTokens >= counter.limit;
  return new GatewayError(
    400,
    `This request can never fit: ${who} has ${limit}, more than a whole ${per} allows. Retrying will not help: ` +
      `shorten the prompt or lower max_tokens, or ask for a higher limit.`,
    { type: 'invalid_request_error', code: 'request_exceeds_limit', param: outputAlone ? 'max_tokens' : 'messages' },
  );
}

export function backendUnavailableError(cause: unknown): GatewayError {
  return new GatewayError(503, 'quota backend unavailable', {
    type: 'server_error',
    code: 'quota_backend_unavailable',
    headers: { 'retry-after': '1' },
    cause,
  });
}

function moneyMessage({ counter, current, tenantId, timeZone, now }: RefusalContext): string {
  const period = counter.kind === 'month' ? 'month' : 'day';
  const windowName = `${counter.window.id.slice(2)}, ${timeZone}`;
  return (
    `Quota exceeded: ${subjectName(counter, tenantId)} has a spending limit of ${formatUsd(counter.limit)} per ${period}; ` +
    `${formatUsd(current)} is spent or reserved this ${period} (${windowName}) and this request may cost up to ${formatUsd(counter.amount)}. ` +
    `The limit resets in ${formatResetDuration(msUntilReset(counter.window, now))}.`
  );
}

function rateMessage({ counter, current, tenantId, timeZone, now }: RefusalContext): string {
  const who = subjectName(counter, tenantId);
  const retry = `Retry in ${formatResetDuration(msUntilReset(counter.window, now))}.`;
  switch (counter.metric) {
    case 'conc':
      return `Rate limit exceeded: ${who} allows ${counter.limit} concurrent requests and ${current} are in flight. Retry when one finishes.`;
    case 'req':
      return `Rate limit exceeded: ${who} allows ${counter.limit} requests per minute and has made ${current} this minute. ${retry}`;
    case 'tok': {
      const period = counter.kind === 'day' ? `day (${counter.window.id.slice(2)}, ${timeZone})` : 'minute';
      return (
        `Rate limit exceeded: ${who} allows ${counter.limit} tokens per ${counter.kind === 'day' ? 'day' : 'minute'}; ` +
        `${current} are used or reserved this ${period} and this request may use up to ${counter.amount}. ${retry}`
      );
    }
    case 'cost':
      return moneyMessage({ counter, current, tenantId, timeZone, now, rateLimitHeaders: {} });
    default: {
      const unknownMetric: never = counter.metric;
      return `Rate limit exceeded (${String(unknownMetric)}).`;
    }
  }
}

function subjectName(counter: Pick<PlannedCounter, 'scope'>, tenantId: string): string {
  if (counter.scope === 'service') return 'this service';
  return counter.scope === 'tenant' ? `tenant "${tenantId}"` : 'this API key';
}

/** "$5.00", "$0.000123": at least cents, then as many digits as the amount has. Exact, no floats. */
export function formatUsd(nanoUsd: number): string {
  const digits = String(Math.max(0, Math.trunc(nanoUsd))).padStart(10, '0');
  const fraction = digits.slice(-9).replace(/0+$/, '').padEnd(2, '0');
  return `$${digits.slice(0, -9)}.${fraction}`;
}

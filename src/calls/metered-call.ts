/**
 * @module calls/metered-call
 * The metering half of the one request path, shared by every route kind (chat, embeddings, prompt
 * APIs, proxied REST): check the price policy, reserve the worst case on every quota window, then —
 * exactly once — settle to the actual usage (or release on failure) and append one ledger row.
 * It knows nothing about providers: usage arrives normalised, or is estimated when none arrived.
 */
import type { NormalizedUsage } from '../../providers/types.js';
import { assertModelAllowed, type TenantCaller } from '../auth/authenticate.js';
import { GatewayError } from '../errors/gateway-error.js';
import { toGatewayError } from '../errors/render-error.js';
import type { CallKind, InboundProtocol, LedgerRow } from '../ledger/types.js';
import { logger } from '../logging/logger.js';
import type { ModelPrice, PricedDeployment } from '../metering/types.js';
import { QuotaRefusal } from '../quotas/quota-errors.js';
import type { QuotaLimits, Reservation } from '../quotas/types.js';
import type { CallLabels } from './call-labels.js';
import type { MeteringServices } from './metering-services.js';
import { reserveWorstCase } from './reserve-worst-case.js';

export interface CallTarget {
  publicModel: string | null;
  providerName: string | null;
  providerType: string | null;
  upstreamModel: string | null;
}

export interface CallPlan {
  caller: TenantCaller;
  kind: CallKind;
  /** The protocol the client spoke, for the ledger; `openai` when not given. */
  protocol?: InboundProtocol;
  target: CallTarget;
  streamed: boolean;
  requestId: string;
  /** A cheap upper bound of the prompt's tokens, reserved before the call. */
  promptTokensUpperBound: number;
  /** A tighter upper bound, counted with a tokenizer: asked for only when the cheap one would be refused (see `reserve-worst-case.ts`). */
  countPromptTokens?: () => Promise<number | undefined>;
  /** The most output the call may produce (max_tokens, or the model's or the configured cap). */
  maxOutputTokens: number;
  prompt?: { name: string; version: number };
  /** The REST service of a proxied call (a configured name). */
  service?: string | null;
  /** A proxied call's method and route template (never the raw path), for the ledger. */
  request?: { method: string; route: string };
  /**
   * Every deployment that may serve the call when routing may pick another than `target` (a model
   * group's, its fallbacks'): the first is `target`'s, and the reservation takes the dearest worst
   * case among them, so a fallback or a pricier deployment cannot overspend a money quota. The
   * call settles at the price of the one that served.
   */
  servableBy?: PricedDeployment[];
  /** A proxied service's own limits, reserved alongside the tenant's and the key's. */
  serviceQuotas?: QuotaLimits;
  /**
   * For calls priced per unit (images, seconds of audio, characters) rather than per token: whether
   * the model has a unit price (the unpriced-model policy applies when not) and the most it can cost.
   */
  unitCost?: { priced: boolean; worstCaseNanoUsd: number };
  /** Chargeback labels: the end user and the `x-tollgate-tags` (see call-labels.ts). */
  labels?: CallLabels;
}

export interface CallOutcome {
  status: number;
  usage: NormalizedUsage;
  estimated: boolean;
  errorCode?: string | null;
  cacheHit?: boolean;
  /** The cost of a call priced per unit (see `CallPlan.unitCost`); null when it has no price. */
  costNanoUsd?: number | null;
  /** Who served the call and how many upstream attempts it took (the router's retries included). */
  routed?: CallRouting;
}

export interface CallRouting {
  /** The target or deployment that served (or last failed); null when no attempt was made. */
  target: string | null;
  attempts: number;
  bytesIn?: number;
  bytesOut?: number;
}

export const costHeader = 'x-tollgate-cost-usd';

/** The deployment that served a routed call, and the upstream attempts it took (retries and fallbacks included). */
export interface ServedBy {
  providerName: string;
  providerType: string;
  upstreamModel: string;
  /** `provider/model`: the ledger's `target`. */
  target: string;
  /** How its price is found: the public model it served for (a fallback's own), and the deployment's own price, if any. */
  pricedAs: PricedDeployment;
}

export const attemptsHeader = 'x-tollgate-attempts';
export const cacheHeader = 'x-tollgate-cache';
/** `bypass`: the client's `Cache-Control: no-cache` asked for a fresh answer. */
export type CacheStatus = 'hit' | 'miss' | 'bypass';

export class MeteredCall {
  private finished = false;
  private firstByteAt: number | undefined;
  /** Whether the response cache was asked, and answered: a hit costs nothing and uses no tokens. */
  private cacheStatus: CacheStatus | undefined;
  private served: ServedBy | undefined;
  private attempts: number | undefined;

  private constructor(
    private readonly services: MeteringServices,
    private readonly plan: CallPlan,
    private price: ModelPrice | undefined,
    private readonly reservation: Reservation,
    private readonly startedAt: number,
    /** The deployment `price` was looked up for. */
    private pricedAs: PricedDeployment | undefined,
  ) {}

  /**
   * Checks the caller's scope and the unpriced-model policy, and reserves the worst case; throws
   * 403/429/503 when the call may not run — after writing the refused call's ledger row, so the
   * call log shows every refusal too.
   */
  static async begin(services: MeteringServices, plan: CallPlan): Promise<MeteredCall> {
    const startedAt = Date.now();
    try {
      return await MeteredCall.admit(services, plan, startedAt);
    } catch (error) {
      // Whatever stopped the call, even a fault of our own, the call log shows it.
      const refusal = toGatewayError(error);
      if (refusal instanceof QuotaRefusal) services.observe?.quotaRefusal({ tenantId: plan.caller.tenant.id, ...refusal.refusal });
      MeteredCall.recordRejected(services, plan, refusal, startedAt);
      throw refusal;
    }
  }

  /**
   * Writes the ledger row of a call refused before it could run — out of scope, over quota, or an
   * invalid request from an authenticated caller (400, 404 unknown model) — so the call log shows it.
   */
  static recordRejected(services: MeteringServices, plan: CallPlan, error: GatewayError, startedAt = Date.now()): void {
    const row = refusedRow(plan, startedAt, error);
    services.ledger.append(row);
    services.observe?.callFinished(row);
    services.outcomes?.report(plan.requestId, row.status);
  }

  private static async admit(services: MeteringServices, plan: CallPlan, startedAt: number): Promise<MeteredCall> {
    const call = await MeteredCall.reserve(services, plan, startedAt);
    services.openCalls.opened();
    services.observe?.callAdmitted(plan.requestId, {
      routeKind: plan.kind,
      tenantId: plan.caller.tenant.id,
      publicModel: plan.target.publicModel,
      providerName: plan.target.providerName,
      providerType: plan.target.providerType,
      service: plan.service ?? null,
    });
    return call;
  }

  private static async reserve(services: MeteringServices, plan: CallPlan, startedAt: number): Promise<MeteredCall> {
    const { target, caller } = plan;
    if (target.publicModel) assertModelAllowed(caller, target.publicModel);
    const deployments = plan.servableBy ?? (target.publicModel ? [{ publicModel: target.publicModel, providerType: target.providerType ?? '', upstreamModel: target.upstreamModel ?? '' }] : []);
    const prices = plan.unitCost ? [] : deployments.map((deployment) => services.prices.priceFor({ ...deployment, time: startedAt }));
    const price = prices[0];
    const priced = plan.unitCost ? plan.unitCost.priced : price !== undefined;
    if (!priced && target.publicModel && unpricedPolicy(caller) === 'reject') {
      throw new GatewayError(403, `The model \`${target.publicModel}\` has no price, and this tenant does not allow unpriced models.`, {
        type: 'permission_error',
        param: 'model',
        code: 'model_not_priced',
      });
    }
    const traced = services.observe?.phase(plan.requestId, 'quota.reserve');
    let reservation: Reservation;
    try {
      reservation = await reserveWorstCase(services, plan, prices.filter((known): known is ModelPrice => known !== undefined));
    } catch (error) {
      traced?.(error);
      throw error;
    }
    traced?.();
    return new MeteredCall(services, plan, price, reservation, startedAt, plan.unitCost ? undefined : deployments[0]);
  }

  /** `x-ratelimit-*` headers for the response. */
  get rateLimitHeaders(): Record<string, string> {
    return this.reservation.headers;
  }

  /** Every header the call adds to its response: the rate limits and, once the call ran, how the cache answered (`x-tollgate-cache`) and who served it. */
  get responseHeaders(): Record<string, string> {
    if (this.cacheStatus === undefined && this.served === undefined) return this.reservation.headers;
    return this.addResponseHeaders({});
  }

  /** Adds `responseHeaders` to a header object the caller is building (one object per answer rather than copies of copies); returns it. */
  addResponseHeaders(headers: Record<string, string>): Record<string, string> {
    const limits = this.reservation.headers;
    for (const name in limits) headers[name] = limits[name]!;
    if (this.cacheStatus !== undefined) headers[cacheHeader] = this.cacheStatus;
    if (this.served && this.cacheStatus !== 'hit') {
      headers['x-tollgate-provider'] = this.served.providerName;
      headers['x-tollgate-model'] = this.served.upstreamModel;
      headers[attemptsHeader] = String(this.attempts ?? 1);
    }
    return headers;
  }

  /** The deployment that is serving the call: the ledger row names it, and the call is priced as it is. */
  servedBy(served: ServedBy, attempts: number): void {
    this.served = served;
    this.attempts = attempts;
    if (this.plan.unitCost || !this.plan.target.publicModel) return;
    // Usually the deployment priced at admission served (a group of one): its price is known.
    if (this.pricedAs && samePricing(this.pricedAs, served.pricedAs)) return;
    this.price = this.services.prices.priceFor({ ...served.pricedAs, time: this.startedAt });
    this.pricedAs = served.pricedAs;
  }

  /** Upstream attempts made so far by a call that no deployment served. */
  attempted(attempts: number): void {
    this.attempts = attempts;
  }

  /** Records how the response cache answered (undefined: the call's answers are not cached). */
  cacheLookup(status: CacheStatus | undefined): void {
    if (status !== undefined) this.cacheStatus = status;
  }

  markFirstByte(): void {
    if (this.firstByteAt !== undefined) return;
    this.firstByteAt = Date.now();
    this.services.observe?.firstByte(this.plan.requestId);
  }

  /** Settles quotas to the actual usage (also for a stream that failed or was abandoned part-way: what was generated is billed), writes the ledger row, and returns the cost header value. */
  complete(outcome: CallOutcome): string {
    // Served from the cache: no upstream call, so no tokens and no cost, whatever the kept answer reports.
    if (this.cacheStatus === 'hit') outcome = { status: outcome.status, usage: zeroUsage(), estimated: false, errorCode: outcome.errorCode, cacheHit: true, costNanoUsd: 0 };
    const cost = outcome.costNanoUsd !== undefined ? outcome.costNanoUsd : this.price ? this.priced(outcome.usage, this.price) : null;
    this.finish(outcome, cost);
    return cost === null ? 'unknown' : this.services.formatUsd(cost);
  }

  /** The cost, or null (the row then says the cost is unknown) when usage cannot be priced: settling never fails. */
  private priced(usage: NormalizedUsage, price: ModelPrice): number | null {
    try {
      return this.services.cost(usage, price);
    } catch (error) {
      logger.error('a call could not be priced; its ledger row records the cost as unknown', { requestId: this.plan.requestId, error: String(error) });
      return null;
    }
  }

  /**
   * Records a call that failed before using anything: releases the reservation, writes the ledger
   * row, and adds the rate-limit and cost headers to the error the client will see.
   */
  fail(error: GatewayError, routed?: CallRouting): void {
    if (this.finished) return;
    this.finished = true;
    this.reservation.release().catch((releaseError) => logger.warn('quota release failed', { error: String(releaseError) }));
    const row = this.row({ status: error.status, usage: zeroUsage(), estimated: false, errorCode: error.code, routed }, 0);
    this.services.ledger.append(row);
    this.services.observe?.callFinished(row);
    this.services.outcomes?.report(this.plan.requestId, row.status);
    this.services.openCalls.closed();
    Object.assign(error.headers, this.reservation.headers, { [costHeader]: this.services.formatUsd(0) });
    if (this.attempts !== undefined) error.headers[attemptsHeader] = String(this.attempts);
  }

  private finish(outcome: CallOutcome, cost: number | null): void {
    if (this.finished) return;
    this.finished = true;
    const usage = outcome.usage;
    const tokens = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens + usage.outputTokens + usage.reasoningTokens;
    this.reservation
      .settle({ tokens, costNanoUsd: cost ?? 0 })
      .catch((settleError) => logger.warn('quota settlement failed', { error: String(settleError) }));
    const row = this.row(outcome, cost);
    this.services.ledger.append(row);
    this.services.observe?.callFinished(row);
    this.services.outcomes?.report(this.plan.requestId, row.status);
    this.services.openCalls.closed();
  }

  private row(outcome: CallOutcome, cost: number | null): LedgerRow {
    const row = ledgerRow(this.plan, this.startedAt, outcome, cost, this.firstByteAt);
    if (this.served && !outcome.cacheHit) Object.assign(row, { provider: this.served.providerName, upstreamModel: this.served.upstreamModel, target: this.served.target });
    // A hit made no upstream attempt and no provider served it (the row would otherwise name the
    // group's first deployment, and count the hit in its provider's figures); a routed chat call
    // knows its own attempts (a REST call brings them in `routed`).
    if (outcome.cacheHit) Object.assign(row, { provider: null, upstreamModel: null, target: null, attempts: 0 });
    else if (this.attempts !== undefined) row.attempts = this.attempts;
    return row;
  }
}

function refusedRow(plan: CallPlan, startedAt: number, error: GatewayError): LedgerRow {
  return ledgerRow(plan, startedAt, { status: error.status, usage: zeroUsage(), estimated: false, errorCode: error.code }, 0, undefined);
}

function ledgerRow(plan: CallPlan, startedAt: number, outcome: CallOutcome, cost: number | null, firstByteAt: number | undefined): LedgerRow {
  const now = Date.now();
  return {
    id: plan.requestId,
    time: startedAt,
    tenantId: plan.caller.tenant.id,
    keyId: plan.caller.key.id,
    kind: plan.kind,
    protocol: plan.protocol ?? 'openai',
    model: plan.target.publicModel,
    provider: plan.target.providerName,
    upstreamModel: plan.target.upstreamModel,
    promptName: plan.prompt?.name ?? null,
    promptVersion: plan.prompt?.version ?? null,
    status: outcome.status,
    errorCode: outcome.errorCode ?? null,
    inputTokens: outcome.usage.inputTokens,
    cachedInputTokens: outcome.usage.cachedInputTokens,
    cacheWriteTokens: outcome.usage.cacheWriteTokens,
    outputTokens: outcome.usage.outputTokens,
    reasoningTokens: outcome.usage.reasoningTokens,
    costNanoUsd: cost,
    costUnknown: cost === null && plan.target.publicModel !== null,
    estimated: outcome.estimated,
    latencyMs: now - startedAt,
    ttfbMs: firstByteAt === undefined ? null : firstByteAt - startedAt,
    streamed: plan.streamed,
    cacheHit: outcome.cacheHit ?? false,
    usageRaw: outcome.usage.raw === undefined ? null : JSON.stringify(outcome.usage.raw),
    service: plan.service ?? null,
    method: plan.request?.method ?? null,
    route: plan.request?.route ?? null,
    target: outcome.routed?.target ?? null,
    attempts: outcome.routed?.attempts ?? null,
    bytesIn: outcome.routed?.bytesIn ?? null,
    bytesOut: outcome.routed?.bytesOut ?? null,
    endUser: plan.labels?.endUser ?? null,
    tags: plan.labels?.tags ?? null,
  };
}

/** `reject` unless set otherwise, when the tenant (or key) has a money quota; `allow` otherwise. */
function unpricedPolicy(caller: TenantCaller): 'reject' | 'allow' {
  if (caller.tenant.unpricedModels) return caller.tenant.unpricedModels;
  const hasMoneyQuota = (quotas: { costPerDayUsd?: unknown; costPerMonthUsd?: unknown }) =>
    quotas.costPerDayUsd !== undefined || quotas.costPerMonthUsd !== undefined;
  return hasMoneyQuota(caller.tenant.quotas) || hasMoneyQuota(caller.key.quotas) ? 'reject' : 'allow';
}

function samePricing(a: PricedDeployment, b: PricedDeployment): boolean {
  return a.publicModel === b.publicModel && a.providerType === b.providerType && a.upstreamModel === b.upstreamModel && a.deploymentPriceKey === b.deploymentPriceKey;
}

function zeroUsage(): NormalizedUsage {
  return { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}

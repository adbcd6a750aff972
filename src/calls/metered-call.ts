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
import type { CallKind, LedgerRow } from '../ledger/types.js';
import { logger } from '../logging/logger.js';
import type { ModelPrice } from '../metering/types.js';
import type { Reservation } from '../quotas/types.js';
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
}

export interface CallOutcome {
  status: number;
  usage: NormalizedUsage;
  estimated: boolean;
  errorCode?: string | null;
  cacheHit?: boolean;
}

export const costHeader = 'x-tollgate-cost-usd';

export class MeteredCall {
  private finished = false;
  private firstByteAt: number | undefined;

  private constructor(
    private readonly services: MeteringServices,
    private readonly plan: CallPlan,
    private readonly price: ModelPrice | undefined,
    private readonly reservation: Reservation,
    private readonly startedAt: number,
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
      if (error instanceof GatewayError) services.ledger.append(refusedRow(plan, startedAt, error));
      throw error;
    }
  }

  private static async admit(services: MeteringServices, plan: CallPlan, startedAt: number): Promise<MeteredCall> {
    const call = await MeteredCall.reserve(services, plan, startedAt);
    services.openCalls.opened();
    return call;
  }

  private static async reserve(services: MeteringServices, plan: CallPlan, startedAt: number): Promise<MeteredCall> {
    const { target, caller } = plan;
    if (target.publicModel) assertModelAllowed(caller, target.publicModel);
    const price = target.publicModel
      ? services.prices.priceFor({
          publicModel: target.publicModel,
          providerType: target.providerType ?? '',
          upstreamModel: target.upstreamModel ?? '',
          time: startedAt,
        })
      : undefined;
    if (!price && target.publicModel && unpricedPolicy(caller) === 'reject') {
      throw new GatewayError(403, `The model \`${target.publicModel}\` has no price, and this tenant does not allow unpriced models.`, {
        type: 'permission_error',
        param: 'model',
        code: 'model_not_priced',
      });
    }
    const reservation = await reserveWorstCase(services, plan, price);
    return new MeteredCall(services, plan, price, reservation, startedAt);
  }

  /** `x-ratelimit-*` headers for the response. */
  get rateLimitHeaders(): Record<string, string> {
    return this.reservation.headers;
  }

  markFirstByte(): void {
    this.firstByteAt ??= Date.now();
  }

  /** Settles quotas to the actual usage (also for a stream that failed or was abandoned part-way: what was generated is billed), writes the ledger row, and returns the cost header value. */
  complete(outcome: CallOutcome): string {
    const cost = this.price ? this.services.cost(outcome.usage, this.price) : null;
    this.finish(outcome, cost);
    return cost === null ? 'unknown' : this.services.formatUsd(cost);
  }

  /**
   * Records a call that failed before using anything: releases the reservation, writes the ledger
   * row, and adds the rate-limit and cost headers to the error the client will see.
   */
  fail(error: GatewayError): void {
    if (this.finished) return;
    this.finished = true;
    this.reservation.release().catch((releaseError) => logger.warn('quota release failed', { error: String(releaseError) }));
    this.services.ledger.append(this.row({ status: error.status, usage: zeroUsage(), estimated: false, errorCode: error.code }, 0));
    this.services.openCalls.closed();
    Object.assign(error.headers, this.reservation.headers, { [costHeader]: this.services.formatUsd(0) });
  }

  private finish(outcome: CallOutcome, cost: number | null): void {
    if (this.finished) return;
    this.finished = true;
    const usage = outcome.usage;
    const tokens = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens + usage.outputTokens + usage.reasoningTokens;
    this.reservation
      .settle({ tokens, costNanoUsd: cost ?? 0 })
      .catch((settleError) => logger.warn('quota settlement failed', { error: String(settleError) }));
    this.services.ledger.append(this.row(outcome, cost));
    this.services.openCalls.closed();
  }

  private row(outcome: CallOutcome, cost: number | null): LedgerRow {
    return ledgerRow(this.plan, this.startedAt, outcome, cost, this.firstByteAt);
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
  };
}

/** `reject` unless set otherwise, when the tenant (or key) has a money quota; `allow` otherwise. */
function unpricedPolicy(caller: TenantCaller): 'reject' | 'allow' {
  if (caller.tenant.unpricedModels) return caller.tenant.unpricedModels;
  const hasMoneyQuota = (quotas: { costPerDayUsd?: unknown; costPerMonthUsd?: unknown }) =>
    quotas.costPerDayUsd !== undefined || quotas.costPerMonthUsd !== undefined;
  return hasMoneyQuota(caller.tenant.quotas) || hasMoneyQuota(caller.key.quotas) ? 'reject' : 'allow';
}

function zeroUsage(): NormalizedUsage {
  return { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}

/**
 * @module calls/unit-call
 * A call priced per unit — images generated, seconds of audio, characters — on the one request
 * path: resolve the model (to a provider with OpenAI's images/audio/moderations APIs), then the
 * same `MeteredCall` as every call (scope, the unpriced-model policy, the worst case reserved on
 * every quota window, one ledger row), settled with the units the answer shows.
 */
import type { ForwardRequest, ForwardResult } from '../../providers/types.js';
import type { TenantCaller } from '../auth/authenticate.js';
import { unsupported } from '../errors/gateway-error.js';
import type { CallKind } from '../ledger/types.js';
import { unitPriceNano, type Unit } from '../metering/unit-prices.js';
import type { ResolvedModel } from '../models/model-registry.js';
import type { GatewayServices } from '../server/gateway-env.js';
import { MeteredCall } from './metered-call.js';

export interface UnitCallOptions {
  caller: TenantCaller;
  requestId: string;
  signal: AbortSignal;
  kind: Extract<CallKind, 'images' | 'audio' | 'moderations'>;
  model: string;
  unit: Unit;
  /** The most units the call can be billed for (reserved against money quotas). */
  worstCaseUnits: number;
  /** What the feature is called in a refusal, e.g. `Image generation`. */
  feature: string;
}

export interface UnitCall {
  target: ResolvedModel;
  metered: MeteredCall;
  forward(request: ForwardRequest): Promise<ForwardResult>;
  /** Settles to the units used; returns the cost header's value. */
  complete(units: number, estimated?: boolean): string;
}

export async function beginUnitCall(services: GatewayServices, options: UnitCallOptions): Promise<UnitCall> {
  const target = services.models.resolve(options.model);
  const forward = target.provider.forward?.bind(target.provider);
  if (!forward) throw unsupported(target.providerName, options.feature, 'model');
  const perUnit = unitPriceNano(options.unit, { config: services.config.models[target.publicName], upstreamModel: target.upstreamModel });
  const metered = await MeteredCall.begin(services.metering, {
    caller: options.caller,
    kind: options.kind,
    protocol: 'openai',
    target: { publicModel: target.publicName, providerName: target.providerName, providerType: target.provider.type, upstreamModel: target.upstreamModel },
    streamed: false,
    requestId: options.requestId,
    promptTokensUpperBound: 0,
    maxOutputTokens: 0,
    unitCost: { priced: perUnit !== undefined, worstCaseNanoUsd: (perUnit ?? 0) * options.worstCaseUnits },
  });
  const context = { upstreamModel: target.upstreamModel, signal: options.signal, requestId: options.requestId };
  return {
    target,
    metered,
    forward: (request) => forward(request, context),
    complete: (units, estimated = false) =>
      metered.complete({
        status: 200,
        usage: { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, raw: { unit: options.unit, units } },
        estimated,
        costNanoUsd: perUnit === undefined ? null : perUnit * units,
      }),
  };
}

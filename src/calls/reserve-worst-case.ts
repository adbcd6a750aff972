/**
 * @module calls/reserve-worst-case
 * Reserves a call's worst case on its quota windows, as tightly as is safe:
 *
 * 1. The cheap bound (a token per UTF-8 byte of the prompt, plus the output cap) is reserved as is
 *    when the windows take it: the common case, with no tokenizer on the request path.
 * 2. When it would be refused by a token or money limit — larger than a whole window, or more than
 *    is left — the prompt is counted (`tightPromptTokenBound`, in the counter thread) and the
 *    tighter figure is tried instead.
 * 3. A worst case larger than a whole window even so can never run: a 400 `request_exceeds_limit`
 *    that says what to change, not a 429 a client would retry for ever.
 */
import { largerThanLimitError, QuotaRefusal, type Reservation } from '../quotas/index.js';
import type { ModelPrice } from '../metering/types.js';
import type { CallPlan } from './metered-call.js';
import type { MeteringServices } from './metering-services.js';

/** `prices`: those of every deployment that may serve the call; the dearest worst case is reserved. */
export async function reserveWorstCase(services: MeteringServices, plan: CallPlan, prices: ModelPrice[]): Promise<Reservation> {
  const callerSubject = services.quotaSubject(plan.caller);
  const subject = plan.serviceQuotas && plan.service ? { ...callerSubject, service: { name: plan.service, limits: plan.serviceQuotas } } : callerSubject;
  const demandFor = (promptTokens: number) => ({
    tokens: promptTokens + plan.maxOutputTokens,
    // Calls priced per unit (images, audio, moderations) know their worst case already.
    costNanoUsd: plan.unitCost?.worstCaseNanoUsd ?? dearest(prices, (price) => services.worstCaseCost(promptTokens, plan.maxOutputTokens, price)),
  });
  let promptTokens = plan.promptTokensUpperBound;
  let demand = demandFor(promptTokens);
  let counted = false;
  /** Counts the prompt; true when that made the worst case smaller. */
  const tighten = async (): Promise<boolean> => {
    counted = true;
    const tight = await plan.countPromptTokens?.();
    if (tight === undefined || tight >= promptTokens) return false;
    promptTokens = tight;
    demand = demandFor(promptTokens);
    return true;
  };
  let tooLarge = services.quotas.largerThanLimit(subject, demand);
  if (tooLarge && plan.countPromptTokens && (await tighten())) tooLarge = services.quotas.largerThanLimit(subject, demand);
  if (tooLarge) throw largerThanLimitError(tooLarge, plan.caller.tenant.id, { promptTokens, maxOutputTokens: plan.maxOutputTokens });
  try {
    return await services.quotas.reserve(subject, demand);
  } catch (error) {
    const tokenOrMoney = error instanceof QuotaRefusal && (error.metric === 'tok' || error.metric === 'cost');
    if (!tokenOrMoney || counted || !plan.countPromptTokens || !(await tighten())) throw error;
    return services.quotas.reserve(subject, demand);
  }
}

/** The largest worst case among the prices (0 when none is known): rates differ by kind of token, so each price is worked out whole. */
function dearest(prices: ModelPrice[], worstCase: (price: ModelPrice) => number): number {
  let most = 0;
  for (const price of prices) most = Math.max(most, worstCase(price));
  return most;
}

/**
 * @module alerts/alert-checks
 * Which alerts the current figures call for. Pure: budgets and spend in, candidate alerts out,
 * each with the key that makes it unique — one per budget, period and threshold; one per tenant
 * and spike hour — so recording a candidate twice (a later check, another gateway) is a no-op.
 */
import type { SpikeConfig } from '../../schemas/alerts-config.js';
import type { BudgetStatus } from '../budgets/budget-status.js';
import { formatNanoUsd } from '../metering/decimal.js';

export interface AlertCandidate {
  dedupeKey: string;
  kind: 'budget_threshold' | 'spend_spike';
  tenantId: string;
  keyId: string | null;
  payload: Record<string, unknown>;
}

/** A candidate for every threshold the budget has reached (spent × 100 ≥ threshold × limit). */
export function budgetAlertCandidates(statuses: readonly BudgetStatus[], thresholds: readonly number[]): AlertCandidate[] {
  const candidates: AlertCandidate[] = [];
  for (const status of statuses) {
    for (const threshold of thresholds) {
      if (status.percent_used < threshold) continue;
      const subject = status.key ?? status.tenant;
      const who = status.key ? `key ${status.key_name ?? status.key} of tenant ${status.tenant}` : `tenant ${status.tenant}`;
      const unit = status.metric === 'cost_usd' ? ' USD' : ' tokens';
      candidates.push({
        dedupeKey: `budget:${status.scope}:${subject}:${status.metric}:${status.window}:${status.period}:${threshold}`,
        kind: 'budget_threshold',
        tenantId: status.tenant,
        keyId: status.key,
        payload: {
          type: 'budget.threshold_crossed',
          tenant: status.tenant,
          key: status.key,
          threshold,
          message: `${who} has used ${status.percent_used}% of its ${status.window}ly ${status.metric === 'cost_usd' ? 'spend' : 'token'} budget (${status.spent} of ${status.limit}${unit}); threshold ${threshold}%.`,
          budget: status,
        },
      });
    }
  }
  return candidates;
}

export interface SpikeInput {
  tenantId: string;
  /** Start of the hour being checked (epoch ms). */
  hour: number;
  spendNanoUsd: bigint;
  /** Total spend over the `baselineHours` before `hour`. */
  baselineTotalNanoUsd: bigint;
}

/** A candidate when this hour's spend exceeds both `minSpendUsd` and `factor` × the hourly average. */
export function spikeCandidate(input: SpikeInput, config: SpikeConfig & { minSpendNanoUsd: bigint }): AlertCandidate | undefined {
  const { spendNanoUsd, baselineTotalNanoUsd } = input;
  if (spendNanoUsd < config.minSpendNanoUsd) return undefined;
  // spend > factor × total / hours, in integers: spend × hours × 1000 > round(factor × 1000) × total.
  const factorMilli = BigInt(Math.round(config.factor * 1_000));
  if (spendNanoUsd * BigInt(config.baselineHours) * 1_000n <= factorMilli * baselineTotalNanoUsd) return undefined;
  const baselinePerHour = baselineTotalNanoUsd / BigInt(config.baselineHours);
  const hourIso = new Date(input.hour).toISOString();
  return {
    dedupeKey: `spike:${input.tenantId}:${input.hour}`,
    kind: 'spend_spike',
    tenantId: input.tenantId,
    keyId: null,
    payload: {
      type: 'spend.spike',
      tenant: input.tenantId,
      key: null,
      message: `tenant ${input.tenantId} spent ${formatNanoUsd(spendNanoUsd)} USD in the hour from ${hourIso}, more than ${config.factor}× its hourly average of ${formatNanoUsd(baselinePerHour)} USD over the previous ${config.baselineHours} hours.`,
      spike: {
        hour: hourIso,
        spend_usd: formatNanoUsd(spendNanoUsd),
        baseline_hourly_usd: formatNanoUsd(baselinePerHour),
        baseline_hours: config.baselineHours,
        factor: config.factor,
      },
    },
  };
}

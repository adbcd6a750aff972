/**
 * @module quotas/slot-groups
 * Reservations on a Redis Cluster, where one script may only name keys of one hash slot. A
 * tenant's and its keys' counters share the tag `{t:<tenant>}`, but a REST service's counters are
 * shared by every tenant and carry `{s:<service>}` (counter-plan.ts): a call under both kinds of
 * limit names two slots. It is reserved one slot group at a time, each group all-or-nothing in its
 * own script, and a refusal (or a failure) in a later group gives back what the earlier groups
 * took. No limit is ever passed — each group's check and increment are atomic — and the only cost
 * of the split is that another call may, for the moment between, see the earlier groups' counters
 * charged for a reservation about to be given back, and be refused: the cautious side.
 */
import type { QuotaCounter, ReserveOutcome } from './types.js';

/** The part of a key Redis Cluster hashes: between the first `{` and the next `}` when not empty, else the whole key. */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/** Indexes of `keys` grouped by hash tag, groups in order of first appearance. */
export function slotGroups(keys: string[]): number[][] {
  const groups = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const tag = hashTagOf(key);
    const group = groups.get(tag);
    if (group) group.push(index);
    else groups.set(tag, [index]);
  });
  return [...groups.values()];
}

/**
 * Reserves `counters` group by group. `reserveGroup` reserves one group atomically (one script);
 * `giveBack` undoes groups already reserved (it must not throw: a failed give-back leaves them
 * charged until their windows end, which refuses more, never admits more).
 */
export async function reserveBySlot(
  counters: QuotaCounter[],
  groups: number[][],
  reserveGroup: (counters: QuotaCounter[]) => Promise<ReserveOutcome>,
  giveBack: (adjustments: Array<{ key: string; delta: number }>) => Promise<void>,
): Promise<ReserveOutcome> {
  const values: number[] = new Array(counters.length).fill(0);
  const reserved: number[] = [];
  const undo = () => giveBack(reserved.map((index) => ({ key: counters[index].key, delta: -counters[index].amount })));
  for (const group of groups) {
    let outcome: ReserveOutcome;
    try {
      outcome = await reserveGroup(group.map((index) => counters[index]));
    } catch (error) {
      await undo();
      throw error;
    }
    if (!outcome.ok) {
      await undo();
      // The other groups' values are unknown or being given back: the refusal names the one counter.
      return { ok: false, failedIndex: group[outcome.failedIndex], current: outcome.current };
    }
    group.forEach((index, position) => (values[index] = outcome.values[position]));
    reserved.push(...group);
  }
  return { ok: true, values };
}

/**
 * @module router/balancers
 * Choosing one of the available targets. Each balancer sees only targets that may take a request
 * now (healthy, not ejected, breaker admitting), never an empty list, and returns one of them.
 */
import { rendezvousScore } from './rendezvous-hash.js';
import type { TargetState } from './target-state.js';
import type { BalanceStrategy } from './types.js';

export type Balancer = <T>(candidates: TargetState<T>[], hashKey: string | undefined) => TargetState<T>;

export function createBalancer(strategy: BalanceStrategy, random: () => number): Balancer {
  switch (strategy.kind) {
    case 'round-robin':
      return roundRobin();
    case 'weighted':
      return smoothWeighted;
    case 'least-inflight':
      return (candidates) => leastInflight(candidates, random);
    case 'latency':
      return (candidates) => powerOfTwoLatency(candidates, random);
    case 'hash':
      return (candidates, hashKey) =>
        hashKey === undefined ? weightedRandom(candidates, random) : rendezvous(candidates, hashKey);
    default: {
      const unknown: never = strategy;
      throw new Error(`unknown balance strategy ${JSON.stringify(unknown)}`);
    }
  }
}

function roundRobin(): Balancer {
  let next = 0;
  return (candidates) => candidates[next++ % candidates.length]!;
}

/** nginx's smooth weighted round-robin: exact shares over each cycle, without bursts. */
function smoothWeighted<T>(candidates: TargetState<T>[]): TargetState<T> {
  let total = 0;
  let best = candidates[0]!;
  for (const candidate of candidates) {
    candidate.currentWeight += candidate.weight;
    total += candidate.weight;
    if (candidate.currentWeight > best.currentWeight) best = candidate;
  }
  best.currentWeight -= total;
  return best;
}

/** Fewest in flight per unit of weight; ties broken at random so equal targets share. */
function leastInflight<T>(candidates: TargetState<T>[], random: () => number): TargetState<T> {
  let best: TargetState<T>[] = [];
  let bestLoad = Infinity;
  for (const candidate of candidates) {
    const load = candidate.inflight / candidate.weight;
    if (load < bestLoad) {
      bestLoad = load;
      best = [candidate];
    } else if (load === bestLoad) best.push(candidate);
  }
  return best[Math.floor(random() * best.length)]!;
}

/** Two random candidates, the one with the lower latency × load wins (Mitzenmacher; Finagle's P2C). */
function powerOfTwoLatency<T>(candidates: TargetState<T>[], random: () => number): TargetState<T> {
  if (candidates.length === 1) return candidates[0]!;
  const first = Math.floor(random() * candidates.length);
  let second = Math.floor(random() * (candidates.length - 1));
  if (second >= first) second++;
  const a = candidates[first]!;
  const b = candidates[second]!;
  return latencyScore(a) <= latencyScore(b) ? a : b;
}

function latencyScore<T>(target: TargetState<T>): number {
  const estimate = target.latency.estimate();
  // An unmeasured target costs only its queue, so new targets are tried but not flooded.
  return estimate === 0 ? target.inflight : estimate * (target.inflight + 1);
}

function rendezvous<T>(candidates: TargetState<T>[], key: string): TargetState<T> {
  let best = candidates[0]!;
  let bestScore = -Infinity;
  for (const candidate of candidates) {
    const score = rendezvousScore(key, candidate.id, candidate.weight);
    if (score > bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}

function weightedRandom<T>(candidates: TargetState<T>[], random: () => number): TargetState<T> {
  let total = 0;
  for (const candidate of candidates) total += candidate.weight;
  let point = random() * total;
  for (const candidate of candidates) {
    point -= candidate.weight;
    if (point < 0) return candidate;
  }
  return candidates[candidates.length - 1]!;
}

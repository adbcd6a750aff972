/**
 * bench/lib/scenarios.ts — what a scenario is, and the registry `bench/run.ts` reads.
 *
 * A scenario says what each kind of target is sent for the same piece of upstream work:
 *  - `tollgate`: the request a client sends the gateway (with the bench tenant's key);
 *  - `upstream`: what Tollgate itself sends upstream for it — the thin floor, nginx and the plain
 *    proxy get this (and the fake called directly), so "vs floor" compares the same upstream work;
 *  - `portkey`: the Portkey gateway's request (omit: Portkey is not measured on it).
 * The built-in scenarios are in bench/scenarios/builtin.ts. To add one, write a file in
 * bench/scenarios/ that exports a `Scenario` (use the helpers below) and list it in
 * bench/scenarios/index.ts; `throughput: true` puts it in the alternating throughput rounds, and
 * `target` (a share of the floor's throughput) makes it a checked target in the report.
 */
import type { HttpRequest } from './load.js';

export type TargetKind = 'direct' | 'proxy' | 'portkey' | 'tollgate';
export type ScenarioId = string;

export interface Scenario {
  id: ScenarioId;
  title: string;
  tollgate: HttpRequest;
  upstream?: HttpRequest;
  portkey?: HttpRequest;
  /** Measured in the alternating throughput rounds (floor, Tollgate, peers). */
  throughput?: boolean;
  /** Rounds on the quick run too (else full runs only). */
  quick?: boolean;
  /** The least share of the thin floor's throughput Tollgate must reach (the targets). */
  target?: number;
  /** Also on Tollgate with Redis counters (with `redisTarget`, checked there). */
  redis?: boolean;
  redisTarget?: number;
  /** Tollgate's answer carries no `x-tollgate-cost-usd` (a call no price applies to). */
  unmetered?: boolean;
  /** Extra gateway configuration this scenario needs (merged into every bench gateway's config). */
  gatewayConfig?: (fakeUrl: string) => Record<string, unknown>;
}

export function json(path: string, body: unknown, headers: Record<string, string>): HttpRequest {
  return { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

const registry = new Map<ScenarioId, Scenario>();

export function registerScenarios(list: Scenario[]): void {
  for (const scenario of list) {
    if (registry.has(scenario.id)) throw new Error(`bench scenario "${scenario.id}" is registered twice`);
    registry.set(scenario.id, scenario);
  }
}

export function scenario(id: ScenarioId): Scenario {
  const found = registry.get(id);
  if (!found) throw new Error(`no bench scenario "${id}" (registered: ${[...registry.keys()].join(', ')})`);
  return found;
}

export function allScenarios(): Scenario[] {
  return [...registry.values()];
}

export function titleOf(id: ScenarioId): string {
  return registry.get(id)?.title ?? id;
}

/** The request for a scenario on a kind of target; undefined when that kind is not measured on it. */
export function requestFor(id: ScenarioId, kind: TargetKind): HttpRequest | undefined {
  const found = scenario(id);
  if (kind === 'tollgate') return found.tollgate;
  if (kind === 'portkey') return found.portkey;
  return found.upstream;
}

/** As `requestFor`, for callers that only ever ask for what a scenario must have. */
export function mustRequest(id: ScenarioId, kind: TargetKind): HttpRequest {
  const request = requestFor(id, kind);
  if (!request) throw new Error(`bench scenario "${id}" has no request for ${kind} targets`);
  return request;
}

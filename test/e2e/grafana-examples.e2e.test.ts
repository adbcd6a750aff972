/**
 * The Grafana dashboard and the Prometheus alert rules in `examples/grafana/` are only useful if
 * every metric they query exists: each query's metric names are checked against a scrape of a
 * real gateway (with a call, and router events so the routing series exist).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

const folder = fileURLToPath(new URL('../../examples/grafana/', import.meta.url));
const dashboard = JSON.parse(readFileSync(`${folder}tollgate-dashboard.json`, 'utf8')) as { panels: Array<{ type: string; targets?: Array<{ expr: string }> }> };
const rules = parse(readFileSync(`${folder}tollgate-alerts.yaml`, 'utf8')) as { groups: Array<{ name: string; rules: Array<{ alert: string; expr: string; for?: string; labels?: object; annotations?: { summary?: string } }> }> };

let gateway: TestGateway;
let exposed: Map<string, string>;
let labelNames: Set<string>;

beforeAll(async () => {
  gateway = await startTestGateway({ providers: { demo: { type: 'mock' } }, models: { demo: { provider: 'demo', model: 'echo', price: { input: 1, output: 1 } } }, metrics: { tenantLabel: true } });
  await gateway.client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] });
  const { observability } = gateway.services;
  observability.retry({ model: 'demo', target: 'demo/echo', reason: 'upstream_timeout' });
  observability.fallback({ model: 'demo', from: 'demo/echo', to: 'demo/lorem', reason: 'upstream_error' });
  observability.breakerState({ model: 'demo', target: 'demo/echo', state: 'open' });
  observability.cacheHit({ routeKind: 'chat', model: 'demo' });
  observability.quotaRefusal({ tenantId: 'test', scope: 'tenant', limit: 'cost_per_day', window: 'day' });
  await fetch(`${gateway.url}/readyz`);
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  exposed = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => [name, type]));
  labelNames = new Set([...text.matchAll(/[{,]([a-z_]+)="/g)].map(([, name]) => name));
});
afterAll(() => gateway?.close());

function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:tollgate|gen_ai|nodejs|process)_[a-z0-9_]+)\b/g)].map(([, name]) => name).filter((name) => !labelNames.has(name));
}

function isExposed(name: string): boolean {
  if (exposed.has(name)) return true;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return base !== name && exposed.get(base) === 'histogram';
}

describe('examples/grafana', () => {
  it('the dashboard queries only metrics the gateway exposes', () => {
    const exprs = dashboard.panels.flatMap((panel) => panel.targets?.map((target) => target.expr) ?? []);
    expect(exprs.length).toBeGreaterThan(25);
    const missing = exprs.flatMap(metricNames).filter((name) => !isExposed(name));
    expect(missing).toEqual([]);
  });

  it('the alert rules are well formed, cover what the issue asks for, and query only exposed metrics', () => {
    const all = rules.groups.flatMap((group) => group.rules);
    for (const rule of all) {
      expect(rule.alert).toMatch(/^Tollgate[A-Za-z0-9]+$/);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(metricNames(rule.expr).filter((name) => !isExposed(name)), rule.alert).toEqual([]);
    }
    const names = all.map((rule) => rule.alert);
    for (const wanted of ['TollgateHighErrorRate', 'TollgateHighLatencyP95', 'TollgateBudgetBurn', 'TollgateCircuitBreakerOpen', 'TollgateLedgerBacklog']) expect(names).toContain(wanted);
  });
});

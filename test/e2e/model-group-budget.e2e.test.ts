/**
 * A money quota holds when a model group's call is served by a pricier deployment than its first:
 * the reservation takes the dearest worst case among every deployment that may serve (the group's,
 * its fallbacks'), and the call settles at the serving deployment's own price. Through the real
 * server with the official `openai` SDK; the cheap deployments always answer 500, so the dear one
 * serves every call, reporting the whole `max_tokens` of output.
 *
 * Figures: `max_tokens` 1000 at 100 USD per million tokens costs 0.1 USD and more; the daily
 * budget is 0.15 USD, so one call fits and a second does not. Reserved at the cheap deployment's
 * 1 USD per million (about 0.001 USD), the second call would have been admitted and the tenant
 * charged 0.202 USD against its 0.15.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { fakeOpenAIKey, openAIError, textCompletion } from '../fakes/fake-openai.js';
import { startFakeUpstream, type FakeUpstream } from '../fakes/fake-upstream.js';
import { ledgerRows } from '../helpers/ledger.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

const keys = { race: 'tg_budget_race_0123456789abcdef', fallback: 'tg_budget_fall_0123456789abcdef' };
const cheap = { input: 1, output: 1 };
const dear = { input: 100, output: 100 };
let down: FakeUpstream;
let good: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  down = await startFakeUpstream(() => openAIError(500, 'The server had an error while processing your request.', 'server_error', null));
  good = await startFakeUpstream((request) => ({
    json: { ...textCompletion('A long answer.', request.body.model), usage: { prompt_tokens: 10, completion_tokens: request.body.max_tokens ?? 16, total_tokens: 10 + (request.body.max_tokens ?? 16) } },
  }));
  const upstream = (fake: FakeUpstream) => ({ type: 'openai', baseURL: `${fake.url}/v1`, apiKey: fakeOpenAIKey });
  gateway = await startTestGateway({
    providers: { down: upstream(down), good: upstream(good) },
    tenants: {
      race: { keys: [{ name: 'default', key: keys.race }], quotas: { costPerDayUsd: 0.15 } },
      fallback: { keys: [{ name: 'default', key: keys.fallback }], quotas: { costPerDayUsd: 0.15 } },
    },
    models: {
      // The first deployment is picked first (weight) and is cheap; the one that serves is dear.
      'cheap-first': {
        deployments: [
          { provider: 'down', model: 'gpt-4o-mini', weight: 1000, price: cheap },
          { provider: 'good', model: 'gpt-4o-mini', weight: 1, price: dear },
        ],
      },
      // A cheap model whose fallback, priced as itself, is dear.
      'cheap-with-fallback': { provider: 'down', model: 'gpt-4o-mini', price: cheap, fallbacks: ['dear'] },
      dear: { provider: 'good', model: 'gpt-4o', price: dear },
    },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
  });
});
afterAll(async () => {
  await gateway?.close();
  await down?.close();
  await good?.close();
});

const clientFor = (key: string) => new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
const ask = (client: OpenAI, model: string) =>
  client.chat.completions.create({ model, max_tokens: 1000, messages: [{ role: 'user', content: 'Hello' }] }).withResponse();

async function spentUsd(tenant: string, calls: number): Promise<number> {
  let rows: any[] = [];
  await expect.poll(async () => (rows = await ledgerRows(gateway.url, `tenant=${tenant}`)).length, { timeout: 5000 }).toBe(calls);
  return rows.reduce((sum, row) => sum + Number(row.cost_usd ?? 0), 0);
}

describe('a money quota and a model group whose calls a pricier deployment serves', () => {
  it('admits only what the dearest deployment could cost when two calls race for the budget', async () => {
    const client = clientFor(keys.race);
    const outcomes = await Promise.allSettled([ask(client, 'cheap-first'), ask(client, 'cheap-first')]);
    const served = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(served).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0].reason).toBeInstanceOf(OpenAI.RateLimitError);
    const { response } = (served[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof ask>>>).value;
    expect(response.headers.get('x-tollgate-provider')).toBe('good');
    // 10 + 1000 tokens at 100 USD per million: reconciled to what the serving deployment costs.
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('0.101000000');
    // The refused call's ledger row costs nothing; the total stays within the budget.
    expect(await spentUsd('race', 2)).toBeLessThanOrEqual(0.15);
  });

  it('reserves a fallback model at its own price and bills it so: the second call is refused, not overspent', async () => {
    const client = clientFor(keys.fallback);
    const { response } = await ask(client, 'cheap-with-fallback');
    expect(response.headers.get('x-tollgate-model')).toBe('gpt-4o');
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('0.101000000');
    const second = await ask(client, 'cheap-with-fallback').catch((error) => error);
    expect(second).toBeInstanceOf(OpenAI.RateLimitError);
    expect(await spentUsd('fallback', 2)).toBeLessThanOrEqual(0.15);
  });
});

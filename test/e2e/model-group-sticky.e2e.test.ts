/**
 * A model group balanced by `hash:<header>` through the real server: the official `openai` SDK →
 * Tollgate → three fake OpenAI upstreams on real ports. Requests carrying the same header value
 * stick to one deployment (the router's rendezvous hash, as for REST services); different values
 * spread over the deployments; a request without the header is still served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeOpenAIKey, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { ledgerRowFor } from '../helpers/ledger.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

const names = ['east', 'west', 'north'];
const fakes: Record<string, FakeOpenAI> = {};
let gateway: TestGateway;

beforeAll(async () => {
  const providers: Record<string, unknown> = {};
  for (const name of names) {
    fakes[name] = await startFakeOpenAI();
    providers[name] = { type: 'openai', baseURL: fakes[name].baseURL, apiKey: fakeOpenAIKey };
  }
  gateway = await startTestGateway({
    providers,
    models: {
      sticky: { balance: 'hash:X-Session', deployments: names.map((provider) => ({ provider, model: 'gpt-4o-mini' })) },
    },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
  });
});
afterAll(async () => {
  await gateway?.close();
  for (const fake of Object.values(fakes)) await fake.close();
});

async function askAs(session: string | undefined, stream = false) {
  const headers = session === undefined ? {} : { 'x-session': session };
  const messages = [{ role: 'user' as const, content: 'Hello' }];
  if (stream) {
    const { data, response } = await gateway.client.chat.completions.create({ model: 'sticky', messages, stream: true }, { headers }).withResponse();
    for await (const chunk of data) void chunk;
    return response;
  }
  const { response } = await gateway.client.chat.completions.create({ model: 'sticky', messages }, { headers }).withResponse();
  return response;
}

const received = () => Object.fromEntries(names.map((name) => [name, fakes[name].requests.length]));

describe('a model group balanced by hash:<header>', () => {
  it('sends every request with the same header value to the same deployment, streamed or not', async () => {
    for (const fake of Object.values(fakes)) fake.reset();
    const served = new Set<string>();
    for (let index = 0; index < 6; index++) served.add((await askAs('session-alice', index % 2 === 1)).headers.get('x-tollgate-provider')!);
    expect(served.size).toBe(1);
    const [provider] = served;
    expect(received()[provider]).toBe(6);
    expect(Object.values(received()).reduce((sum, count) => sum + count, 0)).toBe(6);
    const response = await askAs('session-alice');
    const row = await ledgerRowFor(gateway.url, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ model: 'sticky', provider, target: `${provider}/gpt-4o-mini`, attempts: 1 });
  });

  it('spreads different header values over the deployments, each value keeping its own', async () => {
    const first = new Map<string, string>();
    for (let index = 0; index < 30; index++) first.set(`session-${index}`, (await askAs(`session-${index}`)).headers.get('x-tollgate-provider')!);
    // Rendezvous hashing over three equal deployments: thirty keys never all land on one or two.
    expect(new Set(first.values()).size).toBe(3);
    for (const [session, provider] of first) expect((await askAs(session)).headers.get('x-tollgate-provider')).toBe(provider);
  });

  it('still serves a request that does not carry the header', async () => {
    const response = await askAs(undefined);
    expect(names).toContain(response.headers.get('x-tollgate-provider'));
  });
});

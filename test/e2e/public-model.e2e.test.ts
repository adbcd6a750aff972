/**
 * The `model` a client sees is the name it asked for — in JSON answers, in every streamed chunk
 * (usage chunk included), in embeddings and in prompt answers — whether the provider's bytes are
 * passed through (OpenAI, with its dated snapshot id), translated (Anthropic) or made up (mock).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fakeAnthropicKey, startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { fakeOpenAIKey, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { promptFile } from '../../src/prompts/test-prompts.js';
import { postJson, readSseData } from '../helpers/http.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;
let openai: FakeOpenAI;
let anthropic: FakeAnthropic;

beforeAll(async () => {
  openai = await startFakeOpenAI();
  anthropic = await startFakeAnthropic();
  const prompts = mkdtempSync(join(tmpdir(), 'tollgate-public-model-'));
  writeFileSync(join(prompts, 'greet.yaml'), stringify(promptFile({ model: 'fast' })));
  gateway = await startTestGateway({
    providers: {
      openai: { type: 'openai', baseURL: openai.baseURL, apiKey: fakeOpenAIKey },
      claude: { type: 'anthropic', baseURL: anthropic.url, apiKey: fakeAnthropicKey },
      demo: { type: 'mock' },
    },
    models: {
      fast: { provider: 'openai', model: 'gpt-4o-mini' },
      vectors: { provider: 'openai', model: 'text-embedding-3-small' },
      smart: { provider: 'claude', model: 'claude-opus-4-8' },
      demo: { provider: 'demo', model: 'echo' },
    },
    prompts: { folder: prompts, watch: false },
  });
});
afterAll(async () => {
  await gateway?.close();
  await openai?.close();
  await anthropic?.close();
});

const user = [{ role: 'user', content: 'Hi' }];

describe('the model name a client sees', () => {
  it.each(['fast', 'smart', 'demo'])('is `%s` in a JSON answer', async (model) => {
    if (model === 'smart') anthropic.answerText('Hello');
    const completion = await gateway.client.chat.completions.create({ model, messages: user as never });
    expect(completion.model).toBe(model);
  });

  it.each(['fast', 'smart', 'demo'])('is `%s` in every chunk of a stream, the usage chunk included', async (model) => {
    if (model === 'smart') anthropic.answerText('Hello there, streamed');
    const response = await postJson(`${gateway.baseURL}/chat/completions`, { model, messages: user, stream: true, stream_options: { include_usage: true } });
    const chunks = (await readSseData(response)).filter((data) => data !== '[DONE]').map((data) => JSON.parse(data));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.at(-1).usage).toBeTruthy();
    expect(new Set(chunks.map((chunk) => chunk.model))).toEqual(new Set([model]));
  });

  it('is the alias in embeddings', async () => {
    const embeddings = await gateway.client.embeddings.create({ model: 'vectors', input: 'hello' });
    expect(embeddings.model).toBe('vectors');
    const mock = await gateway.client.embeddings.create({ model: 'demo', input: 'hello' });
    expect(mock.model).toBe('demo');
  });

  it('is the prompt’s model in prompt answers, streamed or not', async () => {
    const answer: any = await (await postJson(`${gateway.url}/v1/prompts/greet`, { who: 'Ada' })).json();
    expect(answer.model).toBe('fast');
    const events = await readSseData(await postJson(`${gateway.url}/v1/prompts/greet`, { who: 'Ada', stream: true }));
    expect(JSON.parse(events.at(-1)!).model).toBe('fast');
  });
});

/**
 * End to end through the real server: the `openai` SDK's legacy `completions.create`, JSON and
 * streamed, served by an Anthropic model (translated through the chat path). Answers validate
 * against the official spec; the ledger row says `completions`.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeAnthropicKey, startFakeAnthropic, type FakeAnthropic } from '../fakes/fake-anthropic.js';
import { ledgerRowFor } from '../helpers/ledger.js';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';

let upstream: FakeAnthropic;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startFakeAnthropic();
  gateway = await startTestGateway({
    providers: { claude: { type: 'anthropic', baseURL: upstream.url, apiKey: fakeAnthropicKey } },
    models: { sonnet: { provider: 'claude', model: 'claude-opus-4-8' } },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
  });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});
beforeEach(() => upstream.reset());

describe('legacy completions', () => {
  it('completions.create: the prompt as one user message, the answer as text', async () => {
    upstream.answerText(' sat on the mat.', { usage: { input_tokens: 6, output_tokens: 5 } });
    const { data: completion, response } = await gateway.client.completions.create({ model: 'sonnet', prompt: 'The cat', echo: true, stop: ['\n'] }).withResponse();
    expectSpecValid('CreateCompletionResponse', completion);
    expect(completion).toMatchObject({ object: 'text_completion', choices: [{ text: 'The cat sat on the mat.', index: 0, logprobs: null, finish_reason: 'stop' }], usage: { prompt_tokens: 6, completion_tokens: 5, total_tokens: 11 } });
    expect(upstream.lastBody).toMatchObject({ max_tokens: 16, messages: [{ role: 'user', content: 'The cat' }], stop_sequences: ['\n'] });
    expect(await ledgerRowFor(gateway.url, response.headers.get('x-request-id')!)).toMatchObject({ protocol: 'completions', kind: 'chat', output_tokens: 5 });
  });

  it('streams text chunks, a usage chunk when asked, then [DONE]', async () => {
    upstream.answerText('One two three', { usage: { input_tokens: 4, output_tokens: 3 } });
    const stream = await gateway.client.completions.create({ model: 'sonnet', prompt: 'Count', max_tokens: 20, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: unknown;
    let finish: string | null = null;
    for await (const chunk of stream) {
      // The spec has no chunk schema for this stream: a chunk is a CreateCompletionResponse whose
      // finish_reason is null until the last one (as OpenAI streams it).
      expectSpecValid('CreateCompletionResponse', { ...chunk, choices: chunk.choices.map((choice) => ({ ...choice, finish_reason: choice.finish_reason ?? 'stop' })) });
      for (const choice of chunk.choices) {
        text += choice.text;
        finish = choice.finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('One two three');
    expect(finish).toBe('stop');
    expect(usage).toEqual({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
  });

  it('refuses what chat cannot do, in OpenAI’s error shape', async () => {
    const error: any = await gateway.client.completions.create({ model: 'sonnet', prompt: ['a', 'b'] }).catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe('prompt');
    const wrongMethod = await fetch(`${gateway.baseURL}/completions`, { headers: { authorization: `Bearer ${testKey}` } });
    expect(wrongMethod.status).toBe(405);
    expectSpecValid('ErrorResponse', await wrongMethod.json());
  });
});

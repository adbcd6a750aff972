/**
 * End to end through the real server with the `openai` SDK: images, speech, transcriptions
 * (a streamed multipart upload) and moderations, forwarded to an OpenAI-compatible upstream,
 * authenticated, quota-bound and metered per image, character and second — prices from the
 * built-in table or the model's `unitPrice` — with the unpriced-model policy applied.
 */
import OpenAI, { toFile } from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeOpenAIKey, startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.js';
import { ledgerRowFor } from '../helpers/ledger.js';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';

const strictKey = 'tg_strict_tenant_key_012345678';
const limitedKey = 'tg_limited_tenant_key_01234567';
let upstream: FakeOpenAI;
let gateway: TestGateway;
let strict: OpenAI;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  gateway = await startTestGateway({
    server: { bodyLimitBytes: 64 * 1024 },
    providers: { openai: { type: 'openai', baseURL: upstream.baseURL, apiKey: fakeOpenAIKey }, demo: { type: 'mock' } },
    models: {
      'image-model': { provider: 'openai', model: 'dall-e-3' },
      'cheap-images': { provider: 'openai', model: 'my-image-model', unitPrice: { perImage: '0.001' } },
      'mystery-images': { provider: 'openai', model: 'unpriced-image-model' },
      whisper: { provider: 'openai', model: 'whisper-1' },
      voice: { provider: 'openai', model: 'tts-1' },
      moderation: { provider: 'openai', model: 'omni-moderation-latest' },
      demo: { provider: 'demo', model: 'echo' },
    },
    tenants: {
      test: { keys: [{ name: 'default', key: testKey }] },
      strict: { keys: [{ name: 'default', key: strictKey }], quotas: { costPerDayUsd: 1 } },
      limited: { keys: [{ name: 'default', key: limitedKey }], quotas: { requestsPerMinute: 1 } },
    },
    storage: { sqlite: ':memory:', ledgerFlushMs: 10 },
  });
  strict = new OpenAI({ baseURL: gateway.baseURL, apiKey: strictKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});
beforeEach(() => upstream.reset());

describe('images', () => {
  it('generates, metered per image at the catalogue price', async () => {
    const { data: images, response } = await gateway.client.images.generate({ model: 'image-model', prompt: 'A red fox', n: 2, size: '1024x1024' }).withResponse();
    expectSpecValid('ImagesResponse', images);
    expect(images.data).toHaveLength(2);
    expect(upstream.requests[0].body).toEqual({ model: 'dall-e-3', prompt: 'A red fox', n: 2, size: '1024x1024' });
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('0.080000000');
    const row = await ledgerRowFor(gateway.url, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ kind: 'images', protocol: 'openai', model: 'image-model', cost_usd: '0.080000000', status: 200 });
  });

  it('uses the model’s unitPrice; refuses an unpriced model for a tenant with a money quota', async () => {
    const { response } = await strict.images.generate({ model: 'cheap-images', prompt: 'x' }).withResponse();
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('0.001000000');
    const refused: any = await strict.images.generate({ model: 'mystery-images', prompt: 'x' }).catch((error) => error);
    expect(refused.status).toBe(403);
    expect(refused.code).toBe('model_not_priced');
    expect(upstream.requests).toHaveLength(1);
  });

  it('is quota-bound like every call, and refused for a provider without the API', async () => {
    const limited = new OpenAI({ baseURL: gateway.baseURL, apiKey: limitedKey, maxRetries: 0 });
    await limited.images.generate({ model: 'image-model', prompt: 'one' });
    const second: any = await limited.images.generate({ model: 'image-model', prompt: 'two' }).catch((error) => error);
    expect(second.status).toBe(429);
    const mock: any = await gateway.client.images.generate({ model: 'demo', prompt: 'x' }).catch((error) => error);
    expect(mock.status).toBe(400);
    expect(mock.code).toBe('unsupported_parameter');
  });
});

describe('audio', () => {
  it('speech: the audio streams back, billed per character', async () => {
    const { data, response } = await gateway.client.audio.speech.create({ model: 'voice', input: 'Hello there', voice: 'alloy' }).withResponse();
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await data.arrayBuffer()).toString()).toBe('ID3fake-audio-for:Hello there');
    expect(upstream.requests[0].body).toMatchObject({ model: 'tts-1', input: 'Hello there', voice: 'alloy' });
    // 11 characters at 0.000015 USD.
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('0.000165000');
  });

  it('transcriptions: the multipart upload is streamed on with the model swapped, billed per second reported', async () => {
    const audio = Buffer.from('RIFF' + 'a'.repeat(20_000));
    const { data, response } = await gateway.client.audio.transcriptions.create({ file: await toFile(audio, 'speech.wav', { type: 'audio/wav' }), model: 'whisper' }).withResponse();
    expectSpecValid('CreateTranscriptionResponseJson', data);
    expect(data.text).toBe('hello from the fake whisper');
    const sent = upstream.requests[0];
    expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent.rawBody).toContain('name="model"\r\n\r\nwhisper-1\r\n');
    expect(sent.rawBody).toContain('filename="speech.wav"');
    expect(sent.rawBody).toContain(audio.toString());
    // 7 seconds reported at 0.0001 USD.
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('0.000700000');
    const row = await ledgerRowFor(gateway.url, response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ kind: 'audio', estimated: false });
  });

  it('transcriptions as plain text are estimated from the file size and flagged', async () => {
    const { response } = await gateway.client.audio.transcriptions.create({ file: await toFile(Buffer.alloc(40_000, 1), 'a.mp3'), model: 'whisper', response_format: 'text' }).withResponse();
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('0.000300000');
    expect(await ledgerRowFor(gateway.url, response.headers.get('x-request-id')!)).toMatchObject({ estimated: true });
  });

  it('an upload over the size limit is a 413, before anything is sent upstream', async () => {
    const error: any = await gateway.client.audio.transcriptions.create({ file: await toFile(Buffer.alloc(100_000), 'big.wav'), model: 'whisper' }).catch((caught) => caught);
    expect(error.status).toBe(413);
    expect(error.code).toBe('request_too_large');
    // Its own connection: the gateway answers before the upload ends, and that socket is not reused.
    const dispatcher = new Agent();
    const chunked = await undiciFetch(`${gateway.baseURL}/audio/transcriptions`, {
      dispatcher,
      method: 'POST',
      headers: { authorization: `Bearer ${testKey}`, 'content-type': 'multipart/form-data; boundary=xyz' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n'));
          for (let index = 0; index < 20; index++) controller.enqueue(new Uint8Array(8192));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    await dispatcher.destroy();
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('moderations', () => {
  it('classifies, metered per character (free at the catalogue price)', async () => {
    const { data, response } = await gateway.client.moderations.create({ model: 'moderation', input: ['I like cats', 'and dogs'] }).withResponse();
    expectSpecValid('CreateModerationResponse', data);
    expect(data.results).toHaveLength(2);
    expect(upstream.requests[0].body.model).toBe('omni-moderation-latest');
    expect(response.headers.get('x-tollgate-cost-usd')).toBe('0.000000000');
    const wrongMethod = await fetch(`${gateway.baseURL}/moderations`, { headers: { authorization: `Bearer ${testKey}` } });
    expect(wrongMethod.status).toBe(405);
  });
});

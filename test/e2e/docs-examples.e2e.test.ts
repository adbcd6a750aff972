/**
 * `/docs` "Try it out": the chat and embeddings examples in `/openapi.json` name a model this
 * gateway serves, and work when sent exactly as they are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { postJson } from '../helpers/http.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

const gateways: TestGateway[] = [];
afterAll(() => Promise.all(gateways.map((gateway) => gateway.close())));

async function examplesOf(gateway: TestGateway) {
  const document: any = await (await fetch(`${gateway.url}/openapi.json`)).json();
  const example = (path: string) => document.paths[path].post.requestBody.content['application/json'].example;
  return { document, chat: example('/v1/chat/completions'), embeddings: example('/v1/embeddings') };
}

describe('the examples of /docs', () => {
  let demo: TestGateway;
  beforeAll(async () => {
    demo = await startTestGateway({ providers: { demo: { type: 'mock' } }, models: { demo: { provider: 'demo', model: 'echo' } } });
    gateways.push(demo);
  });

  it('work as they are against the default models', async () => {
    const { document, chat, embeddings } = await examplesOf(demo);
    expect((await new Validator().validate(document)).valid).toBe(true);
    expect(chat.model).toBe('demo');
    const answer = await postJson(`${demo.baseURL}/chat/completions`, chat);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as any).choices[0].message.content).toBe('Hello, Tollgate!');
    expect((await postJson(`${demo.baseURL}/embeddings`, embeddings)).status).toBe(200);
  });

  it('name the first configured model of a gateway that has no `demo`', async () => {
    const other = await startTestGateway({ providers: { mock: { type: 'mock' } }, models: { fast: { provider: 'mock', model: 'echo' } } });
    gateways.push(other);
    const { chat, embeddings } = await examplesOf(other);
    expect([chat.model, embeddings.model]).toEqual(['fast', 'fast']);
    expect((await postJson(`${other.baseURL}/chat/completions`, chat)).status).toBe(200);
  });
});

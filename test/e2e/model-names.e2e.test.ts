/**
 * Mistyped model names are refused where they are written — the configuration file, a prompt
 * file, the admin API — naming the closest known names; a scope refusal says whether the tenant
 * or the key refused; an unknown model in a call lists the models the caller may use.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, parseConfigText } from '../../src/config/load-config.js';
import { promptFile } from '../../src/prompts/test-prompts.js';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, testAdminKey, type TestGateway } from '../helpers/start-gateway.js';

const tenantKey = 'tg_names_tenant_key_0123456789';
const keyScopedKey = 'tg_names_scoped_key_0123456789';

let gateway: TestGateway;
let promptsFolder: string;

beforeAll(async () => {
  promptsFolder = mkdtempSync(join(tmpdir(), 'tollgate-names-'));
  writeFileSync(join(promptsFolder, 'good.yaml'), stringify(promptFile({ name: 'good' })));
  writeFileSync(join(promptsFolder, 'typo.yaml'), stringify(promptFile({ name: 'typo', model: 'dmeo' })));
  gateway = await startTestGateway({
    providers: { demo: { type: 'mock' } },
    models: { demo: { provider: 'demo', model: 'echo' }, 'demo-lorem': { provider: 'demo', model: 'lorem' }, secret: { provider: 'demo', model: 'lorem' } },
    tenants: {
      acme: {
        models: ['demo', 'demo-lorem'],
        keys: [
          { name: 'ci', key: tenantKey },
          { name: 'narrow', key: keyScopedKey, scopes: { models: ['demo'] } },
        ],
      },
    },
    prompts: { folder: promptsFolder, watch: false },
  });
});
afterAll(() => gateway?.close());

const call = (path: string, key: string, body: unknown, method = 'POST') =>
  fetch(`${gateway.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function errorOf(response: Response, status: number): Promise<{ message: string; code: string; param: string | null }> {
  expect(response.status).toBe(status);
  const body: any = await response.json();
  expectSpecValid('ErrorResponse', body);
  return body.error;
}

function configProblems(yaml: string): string[] {
  try {
    parseConfigText(yaml, 'test.yaml', {});
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('model names in the configuration file', () => {
  it('refuses a tenant model and a key scope naming an unknown model, suggesting the closest', () => {
    const problems = configProblems(`
providers: { demo: { type: mock } }
models: { demo: { provider: demo, model: echo }, demo-lorem: { provider: demo, model: lorem } }
tenants:
  acme:
    models: [dmeo]
    keys: [{ name: ci, key: "tg_a_long_enough_key_123", scopes: { models: [demo-lorme] } }]
`);
    expect(problems).toEqual([
      'tenants.acme.models[0]: names the model "dmeo", which is not configured. Did you mean "demo"? Configured models: demo, demo-lorem.',
      'tenants.acme.keys[0].scopes.models[0]: names the model "demo-lorme", which is not configured. Did you mean "demo-lorem"? Configured models: demo, demo-lorem.',
    ]);
  });

  it('reports a mistyped provider together with shape problems, in one pass', () => {
    const problems = configProblems(`
providers: { openai: { type: openai, baseURL: "http://127.0.0.1:1/v1", timeoutMS: 5 } }
models: { fast: { provider: opneai, model: gpt-4o-mini } }
`);
    expect(problems).toEqual([
      'providers.openai: has an unknown key "timeoutMS". Did you mean "timeoutMs"? Allowed: type, baseURL, apiKey, headers, timeoutMs, maxConnections, directModels, maxResponseBytes, maxStreamBytes, maxEventBytes',
      'models.fast.provider: names the provider "opneai", which is not configured. Did you mean "openai"? Configured providers: openai.',
    ]);
  });

  it('accepts direct model names a provider allows', () => {
    expect(
      configProblems(`
providers: { demo: { type: mock, directModels: [echo] }, any: { type: mock, directModels: true } }
tenants: { acme: { models: [demo/echo, any/whatever] } }
`),
    ).toEqual([]);
  });
});

describe('model names in prompt files', () => {
  it('does not serve a prompt file naming an unknown model, and reports why', async () => {
    const problems = gateway.services.prompts.library.problems();
    expect(problems).toEqual([
      {
        path: join(promptsFolder, 'typo.yaml'),
        message: expect.stringContaining('model: names the model `dmeo`, which is not configured. Did you mean `demo`?'),
      },
    ]);
    expect((await call('/v1/prompts/good', tenantKey, { who: 'Ada' })).status).toBe(200);
    expect((await errorOf(await call('/v1/prompts/typo', tenantKey, { who: 'Ada' }), 404)).code).toBe('prompt_not_found');
  });

  it('refuses to publish a prompt naming an unknown model', async () => {
    const { name: _name, version: _version, ...body } = promptFile({ model: 'demo-lorme' });
    const error = await errorOf(await call('/admin/prompts', testAdminKey, { ...body, name: 'published-typo' }), 400);
    expect(error).toMatchObject({ code: 'invalid_prompt', param: 'model' });
    expect(error.message).toContain('names the model `demo-lorme`, which is not configured. Did you mean `demo-lorem`?');
  });
});

describe('model names in the admin API', () => {
  it('refuses POST and PATCH /admin/tenants with an unknown model', async () => {
    const created = await errorOf(await call('/admin/tenants', testAdminKey, { id: 'typo-tenant', models: ['demo', 'dmeo'] }), 400);
    expect(created).toMatchObject({ code: 'unknown_model', param: 'models[1]' });
    expect(created.message).toBe('`models[1]` names the model `dmeo`, which is not configured. Did you mean `demo`? Configured models: demo, demo-lorem, secret.');
    expect(gateway.services.keyStore.tenant('typo-tenant')).toBeUndefined();
    const patched = await errorOf(await call('/admin/tenants/acme', testAdminKey, { models: ['secrte'] }, 'PATCH'), 400);
    expect(patched.message).toContain('Did you mean `secret`?');
    expect(gateway.services.keyStore.tenant('acme')!.models).toEqual(['demo', 'demo-lorem']);
  });

  it('refuses a key whose model scope names an unknown model', async () => {
    const error = await errorOf(await call('/admin/tenants/acme/keys', testAdminKey, { name: 'typo', scopes: { models: ['demo-lorme'] } }), 400);
    expect(error).toMatchObject({ code: 'unknown_model', param: 'scopes.models[0]' });
    expect(error.message).toContain('Did you mean `demo-lorem`?');
  });
});

describe('model names in calls', () => {
  const chat = (key: string, model: string) => call('/v1/chat/completions', key, { model, messages: [{ role: 'user', content: 'hi' }] });

  it('says the tenant refused a model outside the tenant scope', async () => {
    const error = await errorOf(await chat(tenantKey, 'secret'), 403);
    expect(error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    expect(error.message).toBe("The tenant `acme` may not use the model `secret`; the tenant's models are: demo, demo-lorem.");
  });

  it('says the key refused a model outside the key scope', async () => {
    const error = await errorOf(await chat(keyScopedKey, 'demo-lorem'), 403);
    expect(error.message).toBe('This API key (`narrow`) may not use the model `demo-lorem`; the key is limited to: demo.');
  });

  it('answers an unknown model with the closest usable name and every model the caller may use', async () => {
    const error = await errorOf(await chat(tenantKey, 'dmeo'), 404);
    expect(error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect(error.message).toBe('The model `dmeo` does not exist or you do not have access to it. Did you mean `demo`? Models you may use: demo, demo-lorem.');
    // A narrower key hears only about its own models, never about `secret`.
    const narrow = await errorOf(await call('/v1/embeddings', keyScopedKey, { model: 'secrt', input: 'x' }), 404);
    expect(narrow.message).toBe('The model `secrt` does not exist or you do not have access to it. Models you may use: demo.');
    const lookup = await errorOf(await call('/v1/models/dmeo', tenantKey, undefined, 'GET'), 404);
    expect(lookup.message).toContain('Did you mean `demo`?');
  });
});

/**
 * `GET /openapi.json` and `GET /docs` end to end, through the real server with the shipped prompts
 * and one private prompt published at runtime: the document is valid OpenAPI 3.1, lists every
 * route the app registers (so it cannot fall behind the code), shows each caller only the prompts
 * it may call, describes what the gateway really answers (answers are validated against the
 * document's own schemas), and drives a client generated from it at runtime. `/docs` serves
 * Swagger UI from local files only, and nothing else.
 */
import { get } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { OpenAPIClientAxios } from 'openapi-client-axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, type OpenApiDocument } from '../../src/openapi/index.js';
import { loadPromptFiles } from '../../src/prompts/index.js';
import { promptFile, promptVersion, shippedPromptsFolder } from '../../src/prompts/test-prompts.js';
import { createApp } from '../../src/server/app.js';
import { startTestGateway, testAdminKey, testKey, type TestGateway } from '../helpers/start-gateway.js';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

const acmeKey = 'tg_acme_publisher_key_0123456789';
const wiring = "registerOpenApiRoutes(app, { visiblePrompts: ... }) from '../openapi/register-openapi-routes.js' in createApp (src/server/app.ts)";

/** A private prompt of tenant acme: `$defs` in its input, a nested JSON output. */
const acmeRoute = {
  name: 'acme-route',
  description: 'Plans a delivery route between two stops.',
  model: 'demo',
  visibility: 'private',
  input: {
    type: 'object',
    additionalProperties: false,
    required: ['from', 'to'],
    properties: { from: { $ref: '#/$defs/stop' }, to: { $ref: '#/$defs/stop' } },
    $defs: { stop: { type: 'object', required: ['city'], properties: { city: { type: 'string', maxLength: 80 } } } },
  },
  output: {
    type: 'json',
    schema: {
      type: 'object',
      required: ['legs'],
      properties: {
        legs: {
          type: 'array',
          items: { type: 'object', required: ['from', 'to', 'km'], properties: { from: { type: 'string' }, to: { type: 'string' }, km: { type: 'number', minimum: 0 } } },
        },
      },
    },
  },
  messages: [{ role: 'user', content: 'Plan a route from {{from}} to {{to}}.' }],
};

const fixtures = {
  text: promptVersion(promptFile({ name: 'greet' })),
  nestedJson: promptVersion({ ...acmeRoute, version: 1 }),
  shipped: loadPromptFiles(shippedPromptsFolder).versions,
};

async function expectValidOpenApi(document: unknown): Promise<void> {
  const result = await new Validator().validate(document as Record<string, unknown>);
  expect(result.errors, JSON.stringify(result.errors, null, 2)?.slice(0, 2000)).toBeUndefined();
  expect(result.valid).toBe(true);
}

describe('buildOpenApiDocument', () => {
  it.each([
    ['no prompts', []],
    ['one text prompt', [fixtures.text]],
    ['one prompt with $defs and a nested JSON output', [fixtures.nestedJson]],
    ['several prompts (the shipped ones and both above)', [...fixtures.shipped, fixtures.text, fixtures.nestedJson]],
  ])('is valid OpenAPI 3.1 with %s', async (_case, prompts) => {
    await expectValidOpenApi(buildOpenApiDocument({ prompts }));
  });
});

describe('the running gateway', () => {
  let gateway: TestGateway;
  let anonymous: OpenApiDocument;

  beforeAll(async () => {
    gateway = await startTestGateway({
      providers: { demo: { type: 'mock' } },
      models: { demo: { provider: 'demo', model: 'echo' } },
      tenants: {
        test: { keys: [{ name: 'default', key: testKey }] },
        acme: { keys: [{ name: 'publisher', key: acmeKey, scopes: { permissions: ['prompts:publish'] } }] },
      },
      prompts: { folder: shippedPromptsFolder, watch: false },
    });
    const published = await send('POST', '/admin/prompts', acmeKey, acmeRoute);
    expect(published.status, await published.clone().text()).toBe(201);
    const response = await fetch(`${gateway.url}/openapi.json`);
    if (response.status === 404) throw new Error(`GET /openapi.json answers 404: wire ${wiring}.`);
    expect(response.status).toBe(200);
    anonymous = (await response.json()) as OpenApiDocument;
  });
  afterAll(() => gateway?.close());

  const send = (method: string, path: string, key: string | undefined, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const documentFor = async (key: string): Promise<OpenApiDocument> => (await (await send('GET', '/openapi.json', key)).json()) as OpenApiDocument;

  describe('GET /openapi.json', () => {
    it('is valid OpenAPI 3.1, anonymously and with a tenant key', async () => {
      await expectValidOpenApi(anonymous);
      await expectValidOpenApi(await documentFor(acmeKey));
    });

    it('describes every route the app registers, and no route it does not', () => {
      const routes = createApp(gateway.services).routes.filter((route) => route.method !== 'ALL');
      if (!routes.some((route) => route.path === '/openapi.json')) throw new Error(`createApp registers no /openapi.json: wire ${wiring}.`);
      const documented = Object.entries(anonymous.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
      const registered = routes.map((route) => `${route.method} ${openApiPath(route.path)}`);
      expect(registered.filter((route) => !documented.includes(route)), 'routes missing from the document').toEqual([]);
      const served = (operation: string) => {
        const [method, path] = operation.split(' ');
        const concrete = path.replace(/\{[^}]+\}/g, 'sample');
        return routes.some((route) => route.method === method && routePattern(route.path).test(concrete));
      };
      expect(documented.filter((operation) => !served(operation)), 'documented operations no route serves').toEqual([]);
    });

    it('gives each prompt the caller may call its own path: public ones anonymously, private ones to their tenant only', async () => {
      const promptPaths = (document: OpenApiDocument) =>
        Object.keys(document.paths).filter((path) => /^\/v1\/prompts\/[a-z0-9-]+$/.test(path)).sort();
      const shipped = ['/v1/prompts/extract-contact', '/v1/prompts/sentiment', '/v1/prompts/summarize', '/v1/prompts/translate'];
      expect(promptPaths(anonymous)).toEqual(shipped);
      expect(promptPaths(await documentFor(testKey))).toEqual(shipped);
      const acme = await documentFor(acmeKey);
      expect(promptPaths(acme)).toEqual([...shipped.slice(0, 1), '/v1/prompts/acme-route', ...shipped.slice(1)].sort());
      const call = acme.paths['/v1/prompts/acme-route'].post as Record<string, any>;
      expect(call.operationId).toBe('callPrompt_acme_route');
      expect(call.requestBody.content['application/json'].schema.properties.from).toEqual({ $ref: '#/components/schemas/prompt.acme-route.input.stop' });
      expect(anonymous.components.schemas['prompt.acme-route.input.stop']).toBeUndefined();
    });

    it("describes what the gateway really answers: real answers validate against the document's schemas", async () => {
      const acme = await documentFor(acmeKey);
      const check = documentChecker(acme);
      const subscribed = await send('POST', '/v1/prompts/acme-route/subscription', testKey);
      expect(subscribed.status).toBe(202);
      const cases: Array<[string, Response, string]> = [
        ['GET /v1/models', await send('GET', '/v1/models', testKey), check.response('/v1/models', 'get', 200)],
        ['GET /v1/prompts', await send('GET', '/v1/prompts', acmeKey), check.response('/v1/prompts', 'get', 200)],
        ['GET /v1/prompts/sentiment', await send('GET', '/v1/prompts/sentiment', testKey), check.response('/v1/prompts/sentiment', 'get', 200)],
        [
          'POST /v1/prompts/acme-route',
          await send('POST', '/v1/prompts/acme-route', acmeKey, { from: { city: 'Lyon' }, to: { city: 'Turin' } }),
          check.response('/v1/prompts/acme-route', 'post', 200),
        ],
        ['POST /v1/prompts/{name}/subscription', subscribed, check.response('/v1/prompts/{name}/subscription', 'post', 202)],
        [
          'GET /admin/prompts/{name}/subscriptions',
          await send('GET', '/admin/prompts/acme-route/subscriptions', acmeKey),
          check.response('/admin/prompts/{name}/subscriptions', 'get', 200),
        ],
        [
          'POST /admin/prompts/{name}/subscriptions/{tenant}/approve',
          await send('POST', '/admin/prompts/acme-route/subscriptions/test/approve', acmeKey),
          check.response('/admin/prompts/{name}/subscriptions/{tenant}/approve', 'post', 200),
        ],
        ['GET /admin/tenants/{id}', await send('GET', '/admin/tenants/acme', testAdminKey), check.response('/admin/tenants/{id}', 'get', 200)],
        ['GET /admin/calls', await send('GET', '/admin/calls', testAdminKey), check.response('/admin/calls', 'get', 200)],
        ['GET /admin/usage', await send('GET', '/admin/usage?group_by=day,model,prompt', testAdminKey), check.response('/admin/usage', 'get', 200)],
        ['an unknown prompt', await send('POST', '/v1/prompts/nope', testKey, {}), '/components/schemas/ErrorResponse'],
        ['a prompt input error', await send('POST', '/v1/prompts/sentiment', testKey, { text: 7 }), '/components/schemas/ErrorResponse'],
      ];
      for (const [what, response, pointer] of cases) {
        const body = await response.json();
        expect(check.errors(pointer, body), `${what} (${response.status}): ${JSON.stringify(body).slice(0, 500)}`).toEqual([]);
      }
    });

    it("streams text prompts as the document says: delta events, then done with the JSON answer's shape", async () => {
      const check = documentChecker(anonymous);
      const response = await send('POST', '/v1/prompts/summarize?stream=true', testKey, { text: 'The board met on 3 March and approved the budget.' });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const body = await response.text();
      const events = [...body.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map(([, name, data]) => ({ name, data: JSON.parse(data) }));
      expect(events.at(-1)?.name).toBe('done');
      expect(events.slice(0, -1).every((event) => event.name === 'delta' && check.errors('/components/schemas/PromptStreamDelta', event.data).length === 0)).toBe(true);
      expect(check.errors(check.response('/v1/prompts/summarize', 'post', 200), events.at(-1)!.data)).toEqual([]);
    });
  });

  describe('a client generated at runtime from /openapi.json (openapi-client-axios)', () => {
    it('calls prompts by their operationIds', async () => {
      const api = new OpenAPIClientAxios({
        definition: `${gateway.url}/openapi.json`,
        axiosConfigDefaults: { baseURL: gateway.url, headers: { authorization: `Bearer ${testKey}` } },
      });
      const client = await api.init();
      if (typeof client.callPrompt_sentiment !== 'function') {
        throw new Error(`the generated client has no callPrompt_sentiment: /openapi.json lists no sentiment prompt (is visiblePrompts passed the prompt library?) ${wiring}`);
      }
      const sentiment = await client.callPrompt_sentiment(undefined, { text: 'Absolutely love it. Best purchase I have made this year!' });
      expect(sentiment.status).toBe(200);
      expect(sentiment.data).toMatchObject({ prompt: { name: 'sentiment', version: 1 }, model: expect.any(String) });
      expect(['positive', 'negative', 'neutral', 'mixed']).toContain(sentiment.data.output.label);
      expect(sentiment.headers['x-tollgate-cost-usd']).toBeDefined();
      const check = documentChecker(anonymous);
      expect(check.errors(check.response('/v1/prompts/sentiment', 'post', 200), sentiment.data)).toEqual([]);

      const summary = await client.callPrompt_summarize(undefined, { text: 'Revenue grew 12% in the first quarter.', max_words: 20 });
      expect(typeof summary.data.output).toBe('string');

      const refused = await client.callPrompt_sentiment(undefined, {}).catch((error: { response: { status: number; data: unknown } }) => error.response);
      expect(refused.status).toBe(400);
      expect(refused.data).toMatchObject({ error: { code: 'invalid_prompt_input' } });
    });
  });

  describe('GET /docs', () => {
    const swaggerUiFolder = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

    it('is an HTML page whose every asset is local and served, with its content type and a long cache', async () => {
      const response = await fetch(`${gateway.url}/docs`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await response.text();
      expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
      expect(html).not.toMatch(/<script>/);
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => url).filter((url) => url.startsWith('/docs/'));
      expect(assets.map((url) => url.split('?')[0]).sort()).toEqual(
        ['favicon-16x16.png', 'favicon-32x32.png', 'index.css', 'swagger-ui-bundle.js', 'swagger-ui.css', 'tollgate-docs.js'].map((name) => `/docs/assets/${name}`),
      );
      const contentTypes: Record<string, string> = { js: 'text/javascript', css: 'text/css', png: 'image/png' };
      for (const url of assets) {
        const asset = await fetch(`${gateway.url}${url}`, { headers: { 'accept-encoding': 'identity' } });
        expect(asset.status, url).toBe(200);
        expect(asset.headers.get('content-type'), url).toContain(contentTypes[url.split('?')[0].split('.').at(-1)!]);
        expect(asset.headers.get('cache-control'), url).toContain('max-age=31536000');
        expect((await asset.arrayBuffer()).byteLength, url).toBeGreaterThan(0);
      }
      const initializer = await (await fetch(`${gateway.url}/docs/assets/tollgate-docs.js`)).text();
      expect(initializer).toContain("url: '/openapi.json'");
    });

    it("serves Swagger UI's own bytes, gzipped when asked", async () => {
      const onDisk = readFileSync(join(swaggerUiFolder, 'swagger-ui-bundle.js'));
      const plain = await fetch(`${gateway.url}/docs/assets/swagger-ui-bundle.js`, { headers: { 'accept-encoding': 'identity' } });
      expect(Buffer.from(await plain.arrayBuffer()).equals(onDisk)).toBe(true);
      const gzipped = await fetch(`${gateway.url}/docs/assets/swagger-ui-bundle.js`, { headers: { 'accept-encoding': 'gzip' } });
      expect(gzipped.headers.get('content-encoding')).toBe('gzip');
      expect(Buffer.from(await gzipped.arrayBuffer()).equals(onDisk)).toBe(true);
    });

    it.each([
      '/docs/assets/../../package.json',
      '/docs/assets/..%2F..%2Fpackage.json',
      '/docs/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/docs/assets/..%5c..%5cpackage.json',
      '/docs/assets/package.json',
      '/docs/assets/index.html',
      '/docs/assets/swagger-ui-bundle.js.map',
    ])('refuses %s', async (path) => {
      const { status, body } = await rawGet(gateway.port, path);
      expect(status).toBe(404);
      expect(body).not.toContain('"version"');
      expect(JSON.parse(body)).toMatchObject({ error: { type: 'not_found_error' } });
    });
  });
});

/**
 * Hono's `/v1/models/:id{.+}` → OpenAPI's `/v1/models/{id}`. A parameter whose pattern ends in a
 * literal `:method` (Gemini's `/v1beta/models/:target{.+:generateContent}`) is the model and that
 * method: `/v1beta/models/{model}:generateContent`.
 */
function openApiPath(honoPath: string): string {
  return honoPath.replace(/:\w+\{\.\+:(\w+)\}/g, '{model}\u0000$1').replace(/:(\w+)(\{(?:[^{}]|\{[^{}]*\})*\})?\??/g, '{$1}').replace('\u0000', ':');
}

/** A regular expression matching the concrete paths a Hono route path serves. */
function routePattern(honoPath: string): RegExp {
  const pattern = honoPath
    .split(/(:\w+(?:\{(?:[^{}]|\{[^{}]*\})*\})?)/)
    .map((part, index) => {
      if (index % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const custom = /\{(.*)\}$/.exec(part);
      return custom ? `(?:${custom[1]})` : '[^/]+';
    })
    .join('');
  return new RegExp(`^${pattern}$`);
}

/** Validates values against schemas of the document, named by JSON pointer. */
function documentChecker(document: OpenApiDocument) {
  const id = 'https://tollgate.test/openapi.json';
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addSchema({ $id: id, components: document.components, paths: document.paths });
  const escape = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');
  return {
    response(path: string, method: string, status: number): string {
      return `/paths/${escape(path)}/${method}/responses/${status}/content/application~1json/schema`;
    },
    errors(pointer: string, value: unknown): string[] {
      const validate = ajv.compile({ $ref: `${id}#${pointer}` });
      if (validate(value)) return [];
      return (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message} ${JSON.stringify(error.params)}`);
    },
  };
}

/** A GET with the path sent exactly as written (fetch would normalise `..`). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

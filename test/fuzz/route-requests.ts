/**
 * @module test/fuzz/route-requests
 * One fast-check arbitrary per public route family — chat, embeddings, models, prompt APIs,
 * admin, OpenAPI and docs, health (and `/metrics`, `/admin/audit` where they exist) — each a mix of well-formed requests with hostile values in
 * every field and requests that are not what the route expects at all; plus any method on any
 * path, and bodies that are not JSON or not UTF-8.
 */
import fc from 'fast-check';
import { anyValue, edgeNumber, edgeString, hostileSchema, RepeatedKeys, toJsonText } from './hostile-json.js';

export interface FuzzRequest {
  method: string;
  path: string;
  /** Which key to send: the fuzz tenant's, the publisher's, the admin key, none, or a wrong one. */
  auth: 'tenant' | 'publisher' | 'admin' | 'none' | 'wrong';
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });
/** Mostly the key a route expects, sometimes another or none. */
const tenantAuth = fc.oneof({ weight: 8, arbitrary: fc.constant<FuzzRequest['auth']>('tenant') }, fc.constantFrom<FuzzRequest['auth']>('publisher', 'admin', 'none', 'wrong'));
const adminAuth = fc.oneof({ weight: 6, arbitrary: fc.constant<FuzzRequest['auth']>('admin') }, fc.constantFrom<FuzzRequest['auth']>('publisher', 'publisher', 'tenant', 'none', 'wrong'));
const modelName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('demo', 'lorem', 'dear', 'flash', 'sonnet') }, fc.constant('nope'), anyValue);
const pathSegment = fc.oneof(fc.constantFrom('sentiment', 'translate', 'fuzz', 'demo', '%', '%E0%A4%A', '..', 'a%2Fb', '__proto__'), fc.string({ maxLength: 20 }).map(encodeURIComponent));

/** A valid request with up to three of its fields replaced by hostile values: deep paths get exercised, not only validation. */
function mutated(base: fc.Arbitrary<Record<string, unknown>>, fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const mutation = fc.oneof(...Object.entries(fields).map(([field, value]) => value.map((item) => ({ [field]: item }))));
  return fc.tuple(base, fc.array(mutation, { maxLength: 3 })).map(([request, changes]) => Object.assign({}, request, ...changes));
}

const toolCallArguments = fc.oneof(fc.constant('{"city":"Paris"}'), anyValue.map(toJsonText));
const hostileMessages = fc.array(
  fc.oneof(
    fc.record({ role: fc.constantFrom('user', 'system', 'developer'), content: fc.oneof(edgeString, anyValue) }),
    fc.record({ role: fc.constant('user'), content: fc.array(fc.record({ type: fc.constantFrom('text', 'image_url', 'input_audio', 'file'), text: edgeString, image_url: anyValue }), { maxLength: 3 }) }),
    fc.record({
      role: fc.constant('assistant'),
      content: fc.constant(null),
      tool_calls: fc.array(fc.record({ id: fc.constant('call_1'), type: fc.constant('function'), function: fc.record({ name: fc.constant('f'), arguments: toolCallArguments }) }), { minLength: 1, maxLength: 2 }),
    }),
    fc.record({ role: fc.constant('tool'), tool_call_id: fc.constant('call_1'), content: toolCallArguments }),
    anyValue,
  ),
  { minLength: 1, maxLength: 4 },
);

const tool = fc.record({ type: fc.constant('function'), function: fc.record({ name: fc.constantFrom('f', 'get_weather'), parameters: hostileSchema }) });

const validChat = fc.record({
  model: fc.constantFrom('demo', 'lorem', 'flash', 'sonnet', 'dear'),
  messages: edgeString.map((content) => [{ role: 'user', content }]),
  stream: fc.boolean(),
});

const chatBody = mutated(validChat, {
  model: modelName,
  messages: hostileMessages,
  stream: anyValue,
  max_tokens: edgeNumber,
  max_completion_tokens: edgeNumber,
  n: edgeNumber,
  temperature: edgeNumber,
  seed: edgeNumber,
  top_logprobs: edgeNumber,
  stop: fc.oneof(edgeString, fc.array(edgeString, { maxLength: 5 })),
  tools: fc.array(tool, { minLength: 1, maxLength: 3 }),
  tool_choice: fc.oneof(fc.constantFrom('auto', 'none', 'required'), anyValue),
  response_format: fc.oneof(fc.record({ type: fc.constant('json_schema'), json_schema: fc.record({ name: fc.constant('out'), schema: hostileSchema }) }), anyValue),
  stream_options: anyValue,
});

const embeddingsBody = mutated(fc.record({ model: fc.constantFrom('demo', 'flash'), input: edgeString }), {
  model: modelName,
  input: fc.oneof(fc.array(edgeString, { minLength: 1, maxLength: 50 }), fc.array(edgeNumber, { minLength: 1, maxLength: 50 }), anyValue),
  dimensions: edgeNumber,
  encoding_format: fc.oneof(fc.constantFrom('float', 'base64'), anyValue),
});

const json = (body: fc.Arbitrary<unknown>) => body.map(toJsonText);
/** Mostly the mutated valid body, sometimes any JSON at all. */
const bodyOf = (body: fc.Arbitrary<unknown>) => fc.oneof({ weight: 5, arbitrary: json(body) }, json(anyValue));

const promptVariables = mutated(fc.record({ text: edgeString, target_language: fc.constantFrom('French', 'German') }), {
  text: anyValue,
  max_words: edgeNumber,
  stream: anyValue,
  extra: anyValue,
});

const promptDefinition = mutated(
  fc.record({
    name: fc.constantFrom('fuzz', 'fuzz-json'),
    model: fc.constantFrom('demo', 'lorem', 'flash'),
    input: fc.constant({ type: 'object', properties: { text: { type: 'string' } } }),
    messages: fc.constant([{ role: 'user', content: 'Say {{text}}' }]),
  }),
  {
    name: edgeString,
    model: modelName,
    description: edgeString,
    input: hostileSchema,
    output: fc.oneof(fc.record({ type: fc.constant('json'), schema: hostileSchema }), anyValue),
    messages: anyValue,
    parameters: fc.record({ max_tokens: edgeNumber, seed: edgeNumber, temperature: edgeNumber }, { requiredKeys: [] }),
    examples: fc.oneof(fc.array(fc.record({ input: anyValue, output: anyValue }), { maxLength: 3 }), anyValue),
    visibility: anyValue,
  },
);

const query = fc.dictionary(fc.constantFrom('tenant', 'key', 'from', 'to', 'status', 'limit', 'cursor', 'model', 'group_by', 'stream', 'action', 'actor'), edgeString.filter((text) => text.length < 200), { maxKeys: 4 });
const withQuery = (path: string) => query.map((parameters) => `${path}?${new URLSearchParams(parameters).toString()}`);

export const routeRequests: Record<string, fc.Arbitrary<FuzzRequest>> = {
  chat: fc.record({ method: fc.constant('POST'), path: fc.constant('/v1/chat/completions'), auth: tenantAuth, body: bodyOf(chatBody) }),
  embeddings: fc.record({ method: fc.constant('POST'), path: fc.constant('/v1/embeddings'), auth: tenantAuth, body: bodyOf(embeddingsBody) }),
  models: fc.record({ method: fc.constant('GET'), path: fc.oneof(fc.constant('/v1/models'), fc.constantFrom('demo', 'flash').map((id) => `/v1/models/${id}`), pathSegment.map((id) => `/v1/models/${id}`)), auth: tenantAuth }),
  admin: fc.oneof(
    { weight: 3, arbitrary: fc.record({ method: fc.constant('POST'), path: fc.constant('/admin/prompts'), auth: adminAuth, body: bodyOf(promptDefinition) }) },
    fc.record({
      method: fc.constant('POST'),
      path: fc.constant('/admin/tenants'),
      auth: adminAuth,
      body: bodyOf(mutated(fc.record({ id: fc.constantFrom('t-a', 't-b') }), { id: edgeString, quotas: fc.dictionary(fc.constantFrom('requestsPerMinute', 'tokensPerDay', 'costPerDayUsd', 'concurrentRequests'), edgeNumber), models: anyValue, timeZone: edgeString })),
    }),
    fc.record({ method: fc.constant('PATCH'), path: fc.constantFrom('/admin/tenants/t-a', '/admin/tenants/nope'), auth: adminAuth, body: bodyOf(fc.record({ quotas: fc.dictionary(fc.constantFrom('requestsPerMinute', 'tokensPerMinute'), edgeNumber) })) }),
    fc.record({ method: fc.constant('POST'), path: fc.constantFrom('/admin/tenants/t-a/keys', '/admin/operators'), auth: adminAuth, body: bodyOf(mutated(fc.record({ name: fc.constant('k'), role: fc.constant('finance') }), { name: edgeString, role: anyValue, scopes: anyValue, quotas: anyValue, expiresAt: fc.oneof(edgeString, anyValue) })) }),
    fc.record({ method: fc.constant('POST'), path: fc.tuple(pathSegment, edgeNumber).map(([name, version]) => `/admin/prompts/${name}/versions/${toJsonText(version)}/deprecate`), auth: adminAuth }),
    fc.record({
      method: fc.constant('GET'),
      path: fc.oneof(withQuery('/admin/calls'), withQuery('/admin/usage'), withQuery('/admin/audit'), fc.constantFrom('/admin/tenants', '/admin/keys', '/admin/tenants/fuzz', '/admin/prompts/fuzz/subscriptions')),
      auth: adminAuth,
    }),
  ),
  prompts: fc.oneof(
    fc.record({ method: fc.constant('GET'), path: fc.oneof(fc.constant('/v1/prompts'), pathSegment.map((name) => `/v1/prompts/${name}`)), auth: tenantAuth }),
    fc.record({
      method: fc.constant('POST'),
      path: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('sentiment', 'translate', 'summarize', 'extract-contact', 'fuzz', 'fuzz-json').map((name) => `/v1/prompts/${name}`) },
        fc.constantFrom('summarize', 'fuzz').map((name) => `/v1/prompts/${name}?stream=true`),
        fc.tuple(pathSegment, edgeNumber).map(([name, version]) => `/v1/prompts/${name}/versions/${toJsonText(version)}`),
        pathSegment.map((name) => `/v1/prompts/${name}/subscription`),
      ),
      auth: tenantAuth,
      body: bodyOf(promptVariables),
    }),
  ),
  openapi: fc.record({ method: fc.constant('GET'), path: fc.oneof(fc.constantFrom('/openapi.json', '/docs'), pathSegment.map((file) => `/docs/assets/${file}`)), auth: tenantAuth }),
  health: fc.record({ method: fc.constantFrom('GET', 'HEAD'), path: fc.constantFrom('/healthz', '/readyz', '/metrics'), auth: tenantAuth }),
  anything: fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    path: fc.oneof(pathSegment.map((segment) => `/v1/${segment}`), fc.constantFrom('/', '/v1', '/admin', '//v1//chat/completions', '/v1/chat/completions/', '/v1/chat/completions', '/v1/embeddings')),
    auth: tenantAuth,
    body: fc.oneof(json(anyValue), fc.uint8Array({ maxLength: 200 }), fc.constant(toJsonText(new RepeatedKeys([['model', 'demo'], ['model', 'dear']])))),
    headers: optional(fc.record({ 'content-type': fc.constantFrom('text/plain', 'application/json; charset=latin1', 'multipart/form-data') })),
  }),
};

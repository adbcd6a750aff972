/**
 * @module test/fuzz/protocol-requests
 * One fast-check arbitrary per inbound route family beyond OpenAI chat and embeddings (issue 9):
 * Anthropic messages and count_tokens, the Responses API (and GET/DELETE of a stored response),
 * Gemini generateContent/streamGenerateContent with the key in a header or `?key=`, legacy
 * completions, images, speech, transcriptions (multipart, with huge and many parts), moderations,
 * and the finance reads (`/admin/reports/*`, budgets, alerts). Each is a valid request with hostile
 * values in up to three fields, or any JSON at all, sent with the route's own kind of key header.
 */
import fc from 'fast-check';
import { anyValue, edgeNumber, edgeString, hostileSchema, toJsonText } from './hostile-json.js';

/** How the key travels: OpenAI's `Authorization: Bearer`, Anthropic's `x-api-key`, Google's `x-goog-api-key` or `?key=`. */
export type KeyPlacement = 'bearer' | 'x-api-key' | 'x-goog-api-key' | 'query';

export interface ProtocolRequest {
  method: string;
  path: string;
  auth: 'tenant' | 'admin' | 'none' | 'wrong';
  keyIn: KeyPlacement;
  body?: string | Uint8Array;
  /** Content type of the body: JSON unless given. */
  contentType?: string;
}

const tenantAuth = fc.oneof({ weight: 8, arbitrary: fc.constant<ProtocolRequest['auth']>('tenant') }, fc.constantFrom<ProtocolRequest['auth']>('admin', 'none', 'wrong'));
const adminAuth = fc.oneof({ weight: 6, arbitrary: fc.constant<ProtocolRequest['auth']>('admin') }, fc.constantFrom<ProtocolRequest['auth']>('tenant', 'none', 'wrong'));
const chatModel = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('demo', 'lorem', 'flash', 'sonnet', 'gpt') }, fc.constant('nope'), anyValue);

/** A valid request with up to three of its fields replaced by hostile values. */
function mutated(base: fc.Arbitrary<Record<string, unknown>>, fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const mutation = fc.oneof(...Object.entries(fields).map(([field, value]) => value.map((item) => ({ [field]: item }))));
  return fc.tuple(base, fc.array(mutation, { maxLength: 3 })).map(([request, changes]) => Object.assign({}, request, ...changes));
}

/** Mostly the mutated valid body, sometimes any JSON at all. */
const bodyOf = (body: fc.Arbitrary<unknown>) => fc.oneof({ weight: 5, arbitrary: body.map(toJsonText) }, anyValue.map(toJsonText));
/** Many items: arrays of up to 3,000 copies of one small value (a long one would make gigabytes of JSON). */
const shortString = fc.string({ maxLength: 20 });
const manyOf = (item: fc.Arbitrary<unknown>) => fc.tuple(item, fc.integer({ min: 100, max: 3_000 })).map(([value, count]) => Array.from({ length: count }, () => value));

const anthropicContent = fc.oneof(
  edgeString,
  fc.array(
    fc.oneof(
      fc.record({ type: fc.constant('text'), text: edgeString }),
      fc.record({ type: fc.constant('image'), source: fc.record({ type: fc.constant('base64'), media_type: fc.constant('image/png'), data: edgeString }) }),
      fc.record({ type: fc.constant('tool_result'), tool_use_id: edgeString, content: anyValue }),
      fc.record({ type: fc.constant('tool_use'), id: fc.constant('toolu_1'), name: fc.constant('f'), input: anyValue }),
      anyValue,
    ),
    { maxLength: 4 },
  ),
  anyValue,
);
const anthropicMessages = fc.oneof(fc.array(fc.record({ role: fc.constantFrom('user', 'assistant'), content: anthropicContent }), { minLength: 1, maxLength: 4 }), manyOf(fc.record({ role: fc.constant('user'), content: shortString })), anyValue);
const anthropicTools = fc.oneof(fc.array(fc.record({ name: fc.constantFrom('f', 'get_weather'), description: edgeString, input_schema: hostileSchema }), { minLength: 1, maxLength: 3 }), manyOf(fc.record({ name: fc.constant('f'), input_schema: fc.constant({ type: 'object' }) })), anyValue);
const anthropicFields = {
  model: chatModel,
  messages: anthropicMessages,
  max_tokens: edgeNumber,
  system: fc.oneof(edgeString, fc.array(fc.record({ type: fc.constant('text'), text: edgeString }), { maxLength: 3 }), anyValue),
  tools: anthropicTools,
  tool_choice: fc.oneof(fc.record({ type: fc.constantFrom('auto', 'any', 'tool', 'none'), name: edgeString }), anyValue),
  thinking: fc.oneof(fc.record({ type: fc.constant('enabled'), budget_tokens: edgeNumber }), anyValue),
  stop_sequences: fc.oneof(fc.array(edgeString, { maxLength: 5 }), manyOf(shortString), anyValue),
  temperature: edgeNumber,
  top_k: edgeNumber,
  top_p: edgeNumber,
  stream: anyValue,
  metadata: anyValue,
};
const validAnthropic = fc.record({
  model: fc.constantFrom('demo', 'lorem', 'sonnet', 'flash'),
  max_tokens: fc.integer({ min: 1, max: 64 }),
  messages: edgeString.map((content) => [{ role: 'user', content }]),
  stream: fc.boolean(),
});
const { max_tokens: _countTokensHasNoMaxTokens, stream: _countTokensDoesNotStream, ...countTokensFields } = anthropicFields;

const responsesInput = fc.oneof(
  edgeString,
  fc.array(
    fc.oneof(
      fc.record({ role: fc.constantFrom('user', 'system', 'developer', 'assistant'), content: fc.oneof(edgeString, fc.array(fc.record({ type: fc.constantFrom('input_text', 'output_text', 'input_image'), text: edgeString }), { maxLength: 3 })) }),
      fc.record({ type: fc.constant('function_call'), call_id: fc.constant('call_1'), name: fc.constant('f'), arguments: fc.oneof(fc.constant('{}'), anyValue.map(toJsonText)) }),
      fc.record({ type: fc.constant('function_call_output'), call_id: fc.constant('call_1'), output: fc.oneof(edgeString, anyValue.map(toJsonText)) }),
      anyValue,
    ),
    { minLength: 1, maxLength: 4 },
  ),
  manyOf(fc.record({ role: fc.constant('user'), content: fc.constant('hi') })),
  anyValue,
);
const responsesBody = mutated(fc.record({ model: fc.constantFrom('demo', 'lorem', 'gpt', 'flash'), input: edgeString, stream: fc.boolean() }), {
  model: chatModel,
  input: responsesInput,
  instructions: edgeString,
  max_output_tokens: edgeNumber,
  temperature: edgeNumber,
  top_p: edgeNumber,
  tools: fc.oneof(fc.array(fc.record({ type: fc.constant('function'), name: fc.constant('f'), parameters: hostileSchema }), { minLength: 1, maxLength: 3 }), anyValue),
  text: fc.oneof(fc.record({ format: fc.record({ type: fc.constant('json_schema'), name: fc.constant('out'), schema: hostileSchema }) }), anyValue),
  previous_response_id: fc.oneof(fc.constant('resp_nope'), edgeString, anyValue),
  store: anyValue,
  stream: anyValue,
  metadata: anyValue,
});

const geminiParts = fc.oneof(
  fc.array(fc.oneof(fc.record({ text: edgeString }), fc.record({ functionCall: fc.record({ name: fc.constant('f'), args: anyValue }) }), fc.record({ functionResponse: fc.record({ name: fc.constant('f'), response: anyValue }) }), fc.record({ inlineData: fc.record({ mimeType: edgeString, data: edgeString }) }), anyValue), { minLength: 1, maxLength: 4 }),
  anyValue,
);
const geminiBody = mutated(fc.record({ contents: edgeString.map((text) => [{ role: 'user', parts: [{ text }] }]) }), {
  contents: fc.oneof(fc.array(fc.record({ role: fc.constantFrom('user', 'model', 'function'), parts: geminiParts }), { minLength: 1, maxLength: 4 }), manyOf(fc.record({ role: fc.constant('user'), parts: fc.constant([{ text: 'hi' }]) })), anyValue),
  systemInstruction: fc.oneof(fc.record({ parts: geminiParts }), anyValue),
  tools: fc.oneof(fc.array(fc.record({ functionDeclarations: fc.array(fc.record({ name: fc.constantFrom('f', 'g'), description: edgeString, parameters: hostileSchema }), { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 2 }), anyValue),
  generationConfig: fc.oneof(
    fc.record(
      { maxOutputTokens: edgeNumber, temperature: edgeNumber, topK: edgeNumber, topP: edgeNumber, candidateCount: edgeNumber, responseMimeType: fc.constantFrom('application/json', 'text/plain'), responseSchema: hostileSchema, responseJsonSchema: hostileSchema, stopSequences: fc.array(edgeString, { maxLength: 5 }) },
      { requiredKeys: [] },
    ),
    anyValue,
  ),
  safetySettings: anyValue,
  toolConfig: anyValue,
});
const geminiModel = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('flash', 'demo', 'lorem') }, fc.constantFrom('nope', '%', '..', 'a%2Fb', 'x'.repeat(2_000), 'models/flash'));
const geminiKeyIn = fc.constantFrom<KeyPlacement>('x-goog-api-key', 'query', 'bearer');

const completionsBody = mutated(fc.record({ model: fc.constantFrom('demo', 'lorem', 'gpt'), prompt: edgeString, stream: fc.boolean() }), {
  model: chatModel,
  prompt: fc.oneof(edgeString, fc.array(edgeString, { maxLength: 4 }), fc.array(edgeNumber, { maxLength: 50 }), manyOf(fc.constant('x')), manyOf(fc.constant(1)), anyValue),
  max_tokens: edgeNumber,
  n: edgeNumber,
  best_of: edgeNumber,
  logprobs: edgeNumber,
  echo: anyValue,
  suffix: edgeString,
  stop: fc.oneof(edgeString, fc.array(edgeString, { maxLength: 5 })),
  temperature: edgeNumber,
  stream: anyValue,
  stream_options: anyValue,
});

const imagesBody = mutated(fc.record({ model: fc.constantFrom('image-model', 'demo'), prompt: edgeString }), {
  model: fc.oneof(fc.constantFrom('image-model', 'demo', 'nope'), anyValue),
  prompt: fc.oneof(edgeString, anyValue),
  n: edgeNumber,
  size: fc.oneof(fc.constantFrom('1024x1024', '256x256', '99999999x99999999', 'auto'), edgeString),
  quality: fc.oneof(fc.constantFrom('standard', 'hd'), edgeString),
  response_format: fc.oneof(fc.constantFrom('url', 'b64_json'), anyValue),
  style: anyValue,
  user: anyValue,
});
const speechBody = mutated(fc.record({ model: fc.constantFrom('voice', 'demo'), input: edgeString, voice: fc.constantFrom('alloy', 'nova') }), {
  model: fc.oneof(fc.constantFrom('voice', 'demo', 'nope'), anyValue),
  input: fc.oneof(edgeString, anyValue),
  voice: fc.oneof(edgeString, anyValue),
  response_format: fc.oneof(fc.constantFrom('mp3', 'wav', 'pcm'), anyValue),
  speed: edgeNumber,
  instructions: edgeString,
});
const moderationsBody = mutated(fc.record({ model: fc.constantFrom('moderation', 'demo'), input: edgeString }), {
  model: fc.oneof(fc.constantFrom('moderation', 'demo', 'nope'), anyValue),
  input: fc.oneof(edgeString, fc.array(edgeString, { maxLength: 4 }), manyOf(fc.constant('x')), fc.array(fc.record({ type: fc.constantFrom('text', 'image_url'), text: edgeString, image_url: anyValue }), { maxLength: 3 }), anyValue),
});

/** A multipart part: a name, an optional filename, and its content (bytes or a repeated byte up to 1.5 MB). */
const partContent = fc.oneof(
  edgeString.map((text) => new TextEncoder().encode(text)),
  fc.uint8Array({ maxLength: 300 }),
  fc.integer({ min: 60_000, max: 1_500_000 }).map((size) => new Uint8Array(size).fill(0x41)),
);
const part = fc.record({
  name: fc.oneof(fc.constantFrom('file', 'model', 'language', 'response_format', 'temperature', 'prompt', 'timestamp_granularities[]'), edgeString.filter((text) => text.length < 300)),
  filename: fc.option(fc.oneof(fc.constantFrom('a.mp3', 'a.wav', '../../etc/passwd', 'x"y.mp3'), edgeString.filter((text) => text.length < 300)), { nil: undefined }),
  contentType: fc.option(fc.constantFrom('audio/mpeg', 'audio/wav', 'text/plain', 'application/octet-stream', 'x'.repeat(20_000)), { nil: undefined }),
  content: partContent,
});
const validParts = fc.tuple(fc.constantFrom('whisper', 'demo', 'nope'), fc.constantFrom('json', 'text', 'verbose_json', 'srt')).map(([model, format]) => [
  { name: 'model', content: new TextEncoder().encode(model) },
  { name: 'response_format', content: new TextEncoder().encode(format) },
  { name: 'file', filename: 'a.mp3', contentType: 'audio/mpeg', content: Uint8Array.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0]) },
]);
type Part = { name: string; filename?: string; contentType?: string; content: Uint8Array };
const multipartParts: fc.Arbitrary<Part[]> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(validParts, fc.array(part, { maxLength: 3 })).map(([valid, extra]) => [...valid, ...extra]) },
  fc.array(part, { maxLength: 6 }),
  // Many small parts: past the field and file counts.
  fc.tuple(validParts, fc.integer({ min: 60, max: 400 }), fc.boolean()).map(([valid, count, asFiles]) => [
    ...valid,
    ...Array.from({ length: count }, (_, index) => ({ name: asFiles ? 'file' : `f${index}`, filename: asFiles ? `${index}.mp3` : undefined, content: Uint8Array.of(0x41) })),
  ]),
);

/** The multipart body as sent, with a broken form now and then: no closing boundary, a wrong boundary, a part without headers. */
const multipartBody = fc.tuple(multipartParts, fc.constantFrom('plain', 'plain', 'plain', 'unterminated', 'wrong-boundary', 'headerless', 'huge-header')).map(([parts, damage]) => {
  const boundary = 'fuzzboundary7MA4YWxkTrZu0gW';
  const encoder = new TextEncoder();
  const pieces: Uint8Array[] = [];
  for (const item of parts) {
    const disposition = `form-data; name="${item.name}"${item.filename === undefined ? '' : `; filename="${item.filename}"`}`;
    const headers = damage === 'headerless' ? '' : `Content-Disposition: ${disposition}\r\n${item.contentType ? `Content-Type: ${item.contentType}\r\n` : ''}${damage === 'huge-header' ? `X-Pad: ${'p'.repeat(40_000)}\r\n` : ''}`;
    pieces.push(encoder.encode(`--${damage === 'wrong-boundary' ? 'other' : boundary}\r\n${headers}\r\n`), item.content, encoder.encode('\r\n'));
  }
  if (damage !== 'unterminated') pieces.push(encoder.encode(`--${boundary}--\r\n`));
  return { body: Buffer.concat(pieces), contentType: `multipart/form-data; boundary=${boundary}` };
});
const multipartContentType = fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, fc.constantFrom('multipart/form-data', 'multipart/form-data; boundary=', `multipart/form-data; boundary="${'b'.repeat(71)}"`, 'application/json', 'text/plain'));

const reportQuery = fc.dictionary(
  fc.constantFrom('from', 'to', 'groupBy', 'tenant', 'model', 'key', 'tz', 'format', 'tag', 'end_user', 'provider', 'service', 'limit', 'cursor'),
  fc.oneof(
    fc.constantFrom('2026-11-01', '2026-11-01T00:00:00Z', '2026-12-01', 'tenant,day', 'tenant,key,model,provider,prompt,service,kind,end_user,tag,hour,day,week,month', 'csv', 'json', 'Asia/Kolkata', 'Etc/GMT+14', 'Mars/Olympus', '0001-01-01', '9999-12-31', '-271821-04-20'),
    edgeString.filter((text) => text.length < 300),
  ),
  { maxKeys: 5 },
);
const withQuery = (path: string) => reportQuery.map((parameters) => `${path}?${new URLSearchParams(parameters).toString()}`);

const post = (path: fc.Arbitrary<string>, body: fc.Arbitrary<string>, keyIn: fc.Arbitrary<KeyPlacement> = fc.constant('bearer')) =>
  fc.record({ method: fc.constant('POST'), path, auth: tenantAuth, keyIn, body });

export const protocolRequests: Record<string, fc.Arbitrary<ProtocolRequest>> = {
  anthropic: post(fc.constant('/v1/messages'), bodyOf(mutated(validAnthropic, anthropicFields)), fc.constantFrom<KeyPlacement>('x-api-key', 'x-api-key', 'bearer')),
  'anthropic count_tokens': post(fc.constant('/v1/messages/count_tokens'), bodyOf(mutated(validAnthropic.map(({ max_tokens: _, stream: __, ...rest }) => rest), countTokensFields)), fc.constant('x-api-key')),
  responses: fc.oneof(
    { weight: 5, arbitrary: post(fc.constant('/v1/responses'), bodyOf(responsesBody)) },
    fc.record({
      method: fc.constantFrom('GET', 'DELETE'),
      path: fc.oneof(fc.constantFrom('resp_nope', '%', '..', 'resp_'.padEnd(5_000, 'x')), fc.string({ maxLength: 40 }).map(encodeURIComponent)).map((id) => `/v1/responses/${id}`),
      auth: tenantAuth,
      keyIn: fc.constant<KeyPlacement>('bearer'),
    }),
  ),
  gemini: post(
    fc.tuple(geminiModel, fc.constantFrom('generateContent', 'streamGenerateContent', 'streamGenerateContent?alt=sse')).map(([model, method]) => `/v1beta/models/${model}:${method}`),
    bodyOf(geminiBody),
    geminiKeyIn,
  ),
  completions: post(fc.constant('/v1/completions'), bodyOf(completionsBody)),
  images: post(fc.constant('/v1/images/generations'), bodyOf(imagesBody)),
  speech: post(fc.constant('/v1/audio/speech'), bodyOf(speechBody)),
  moderations: post(fc.constant('/v1/moderations'), bodyOf(moderationsBody)),
  transcriptions: fc.tuple(multipartBody, multipartContentType, tenantAuth).map(([form, contentType, auth]) => ({
    method: 'POST',
    path: '/v1/audio/transcriptions',
    auth,
    keyIn: 'bearer' as const,
    body: form.body,
    contentType: contentType ?? form.contentType,
  })),
  'admin writes': fc.oneof(
    fc.record({
      method: fc.constant('POST'),
      path: fc.tuple(fc.constantFrom('fuzz', 'sentiment', '%', '..', 'x'.repeat(3_000)), fc.constantFrom('fuzz', 't-a', 'nope', '%'), fc.constantFrom('approve', 'reject')).map(([name, tenant, decision]) => `/admin/prompts/${name}/subscriptions/${tenant}/${decision}`),
      auth: adminAuth,
      keyIn: fc.constant<KeyPlacement>('bearer'),
    }),
    fc.record({ method: fc.constantFrom('DELETE', 'POST'), path: fc.constantFrom('/admin/tenants/t-gone', '/admin/keys/key_nope', '/admin/keys/key_nope/revoke', '/admin/keys/%/revoke'), auth: adminAuth, keyIn: fc.constant<KeyPlacement>('bearer') }),
    fc.record({
      method: fc.constant('POST'),
      path: fc.constant('/dashboard/session'),
      auth: fc.constant<ProtocolRequest['auth']>('none'),
      keyIn: fc.constant<KeyPlacement>('bearer'),
      body: bodyOf(mutated(fc.record({ key: fc.constantFrom('tg_not_a_key_at_all_0123456789') }), { key: fc.oneof(edgeString, anyValue) })),
    }),
  ),
  reports: fc.record({
    method: fc.constant('GET'),
    path: fc.oneof(withQuery('/admin/reports/usage'), withQuery('/admin/reports/trends'), withQuery('/admin/budgets'), withQuery('/admin/alerts'), withQuery('/v1/usage')),
    auth: adminAuth,
    keyIn: fc.constant<KeyPlacement>('bearer'),
  }),
};

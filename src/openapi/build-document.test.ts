import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { promptFile, promptVersion } from '../prompts/test-prompts.js';
import { buildOpenApiDocument } from './build-document.js';
import type { JsonSchema, OpenApiDocument } from './openapi-types.js';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

const summarize = promptVersion(promptFile({ name: 'summarize', description: 'Summarises a text.' }));
const contact = promptVersion(
  promptFile({
    name: 'extract-contact',
    description: 'Extracts contact details.',
    output: {
      type: 'json',
      schema: {
        type: 'object',
        required: ['name', 'company'],
        properties: {
          name: { type: ['string', 'null'] },
          company: { anyOf: [{ type: 'object', properties: { website: { type: 'string', format: 'uri' } } }, { type: 'null' }] },
        },
      },
    },
  }),
);
const trip = promptVersion(
  promptFile({
    name: 'trip',
    input: {
      type: 'object',
      required: ['from'],
      properties: { from: { $ref: '#/$defs/stop' }, to: { $ref: '#/$defs/stop' } },
      $defs: { stop: { type: 'object', properties: { city: { type: 'string', maxLength: 80 } } } },
    },
    messages: [{ role: 'user', content: 'Plan a trip from {{from}} to {{to}}.' }],
    examples: [],
  }),
);

type Operation = Record<string, any>;
const operation = (document: OpenApiDocument, path: string, method: string) => document.paths[path]?.[method] as Operation;
const jsonSchemaOf = (response: Operation) => response.content['application/json'].schema as JsonSchema;

describe('buildOpenApiDocument', () => {
  it("gives each prompt its own path: its input schema as the body, its output schema inside the answer's envelope", () => {
    const document = buildOpenApiDocument({ prompts: [contact] });
    const call = operation(document, '/v1/prompts/extract-contact', 'post');
    expect(call.operationId).toBe('callPrompt_extract_contact');
    expect(call.summary).toBe('Extracts contact details.');
    expect(call.requestBody.content['application/json'].schema).toEqual(contact.definition.input);
    expect(call.requestBody.content['application/json'].examples).toEqual({ example1: { value: { who: 'Ada' } } });
    const answer = jsonSchemaOf(call.responses[200]);
    expect(answer.required).toEqual(['output', 'model', 'prompt', 'usage', 'cost']);
    expect((answer.properties as JsonSchema).output).toEqual(contact.definition.output.type === 'json' && contact.definition.output.schema);
    expect(Object.keys(call.responses[200].content)).toEqual(['application/json']);
    expect(call.parameters).toBeUndefined();
    expect(call.responses[400].description).toContain('invalid_prompt_input');
    expect(call.responses[502].description).toContain('invalid_model_output');
    expect(operation(document, '/v1/prompts/extract-contact', 'get').operationId).toBe('getPrompt_extract_contact');
  });

  it('describes text prompts as a string output that can also be streamed as server-sent events', () => {
    const call = operation(buildOpenApiDocument({ prompts: [summarize] }), '/v1/prompts/summarize', 'post');
    expect((jsonSchemaOf(call.responses[200]).properties as JsonSchema).output).toEqual({ type: 'string' });
    expect(call.responses[200].content['text/event-stream'].schema.description).toContain('event: done');
    expect(call.parameters).toEqual([expect.objectContaining({ name: 'stream', in: 'query' })]);
    expect(Object.keys(call.responses[200].headers)).toEqual(expect.arrayContaining(['x-tollgate-cost-usd', 'x-ratelimit-remaining-requests', 'deprecation']));
  });

  it("puts a prompt's $defs into components, where its refs then point", () => {
    const document = buildOpenApiDocument({ prompts: [trip] });
    const body = operation(document, '/v1/prompts/trip', 'post').requestBody.content['application/json'].schema;
    expect(body.properties.from).toEqual({ $ref: '#/components/schemas/prompt.trip.input.stop' });
    expect(document.components.schemas['prompt.trip.input.stop']).toEqual({ type: 'object', properties: { city: { type: 'string', maxLength: 80 } } });
  });

  it('keeps every operationId unique and every schema a valid JSON Schema 2020-12 (no OpenAPI 3.0 nullable)', () => {
    const document = buildOpenApiDocument({ prompts: [summarize, contact, trip] });
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(JSON.stringify(document)).not.toMatch(/"nullable"|"\$schema"|"\$id"/);
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    ajv.addSchema({ $id: 'urn:tollgate:openapi', components: document.components, paths: document.paths });
    for (const pointer of schemaPointers(document)) {
      expect(() => ajv.compile({ $ref: `urn:tollgate:openapi#${pointer}` }), pointer).not.toThrow();
    }
  });

  it('marks a deprecated latest version, and describes only the highest version of a name', () => {
    const older = promptVersion(promptFile({ name: 'greet', version: 1, description: 'old' }));
    const newer = { ...promptVersion(promptFile({ name: 'greet', version: 2, description: 'new' })), deprecatedAt: 1_700_000_000_000 };
    const call = operation(buildOpenApiDocument({ prompts: [newer, older] }), '/v1/prompts/greet', 'post');
    expect(call.summary).toBe('new');
    expect(call.deprecated).toBe(true);
    expect(call.description).toContain('deprecated');
  });

  it('leaves nothing of one build in the next, and refuses changes to its shared parts', () => {
    const first = buildOpenApiDocument({ prompts: [trip] });
    const second = buildOpenApiDocument({ prompts: [] });
    expect(second.paths['/v1/prompts/trip']).toBeUndefined();
    expect(second.components.schemas['prompt.trip.input.stop']).toBeUndefined();
    expect(first.paths['/v1/prompts/trip']).toBeDefined();
    expect(() => {
      (second.components.schemas.ErrorResponse as JsonSchema).type = 'string';
    }).toThrow(TypeError);
  });

  it("names Tollgate's version and the server it is given", () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const document = buildOpenApiDocument({ prompts: [], serverUrl: 'https://gateway.example.com' });
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: 'Tollgate', version });
    expect(document.servers).toEqual([{ url: 'https://gateway.example.com', description: 'This gateway' }]);
    expect(buildOpenApiDocument({ prompts: [] }).servers[0].url).toBe('/');
  });
});

/** JSON pointers of every component schema and every request or response body schema. */
function schemaPointers(document: OpenApiDocument): string[] {
  const escape = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');
  const pointers = Object.keys(document.components.schemas).map((name) => `/components/schemas/${escape(name)}`);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item) as Array<[string, Operation]>) {
      const base = `/paths/${escape(path)}/${method}`;
      for (const type of Object.keys(op.requestBody?.content ?? {})) pointers.push(`${base}/requestBody/content/${escape(type)}/schema`);
      for (const [status, response] of Object.entries(op.responses as Record<string, Operation>)) {
        for (const type of Object.keys(response.content ?? {})) pointers.push(`${base}/responses/${status}/content/${escape(type)}/schema`);
      }
    }
  }
  return pointers;
}

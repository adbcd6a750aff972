/**
 * @module openapi/published-prompt-paths
 * One path per published prompt, `/v1/prompts/<name>`: calling it (`callPrompt_<name>`) with the
 * prompt's own input schema as the body and its output schema inside the answer, and describing
 * it (`getPrompt_<name>`). Built once per prompt version and remembered, so a request for the
 * document only assembles what is already there.
 */
import type { PromptVersion } from '../prompts/index.js';
import { embedPromptSchema } from './embed-prompt-schema.js';
import { deepFreeze } from './deep-freeze.js';
import { errorResponses, jsonResponse, schemaRef, security } from './openapi-parts.js';
import type { JsonSchema, Paths } from './openapi-types.js';
import { promptCallOperation } from './paths-prompts.js';
import { promptCallResponse } from './schemas-prompts.js';

export interface PublishedPromptPaths {
  paths: Paths;
  /** Definitions the prompt's schemas refer to, for `components.schemas`. */
  schemas: Record<string, JsonSchema>;
}

/** Per version object: the catalog keeps an unchanged version's object, so this stays warm. */
const built = new WeakMap<PromptVersion, PublishedPromptPaths>();

/** `sentiment` → `callPrompt_sentiment`; `extract-contact` → `callPrompt_extract_contact`. */
export const operationIdSuffix = (promptName: string) => promptName.replaceAll('-', '_');

export function publishedPromptPaths(version: PromptVersion): PublishedPromptPaths {
  let paths = built.get(version);
  if (!paths) {
    paths = deepFreeze(buildPaths(version));
    built.set(version, paths);
  }
  return paths;
}

function buildPaths(version: PromptVersion): PublishedPromptPaths {
  const { definition } = version;
  const { name, output } = definition;
  const input = embedPromptSchema(definition.input, `prompt.${name}.input`);
  const outputSchema = output.type === 'json' ? embedPromptSchema(output.schema, `prompt.${name}.output`) : { schema: { type: 'string' }, components: {} };
  const examples = definition.examples.map((example, index) => [`example${index + 1}`, { value: example.input }] as const);
  const summary = definition.description || `Call the ${name} prompt`;
  return {
    schemas: { ...input.components, ...outputSchema.components },
    paths: {
      [`/v1/prompts/${name}`]: {
        get: {
          operationId: `getPrompt_${operationIdSuffix(name)}`,
          tags: ['prompts'],
          summary: `Describe the ${name} prompt`,
          security: security.tenant,
          responses: { 200: jsonResponse('The prompt.', schemaRef('PromptDetails')), ...errorResponses([401, 403, 404, 500]) },
        },
        post: promptCallOperation({
          operationId: `callPrompt_${operationIdSuffix(name)}`,
          summary,
          description: callDescription(version),
          parameters: [],
          body: input.schema,
          ...(examples.length > 0 ? { bodyExamples: Object.fromEntries(examples) } : {}),
          response: promptCallResponse(outputSchema.schema),
          streams: output.type === 'text',
          deprecated: version.deprecatedAt !== null,
        }),
      },
    },
  };
}

/** The summary already holds the prompt's own description; this says what the call does. */
function callDescription(version: PromptVersion): string {
  const { name, version: number, model, output } = version.definition;
  const answer = output.type === 'json' ? '`output` is JSON matching the schema below' : '`output` is text, and can be streamed';
  const deprecated = version.deprecatedAt === null ? '' : ' This version is deprecated.';
  return `Calls version ${number} of \`${name}\` (model \`${model}\`): the body holds the prompt's variables, and ${answer}.${deprecated} Other versions: \`POST /v1/prompts/${name}/versions/{version}\`.`;
}

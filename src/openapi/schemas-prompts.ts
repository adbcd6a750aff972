/**
 * @module openapi/schemas-prompts
 * Component schemas of the prompt API: listings, details, subscriptions, the publishing body, and
 * the envelope every prompt call answers with. `promptCallResponse(output)` builds that envelope
 * around a given `output` schema, for the generic routes and for each published prompt.
 */
import { promptDefinitionSchema } from '../../schemas/prompt-file.js';
import { fromZod, schemaRef } from './openapi-parts.js';
import type { JsonSchema } from './openapi-types.js';

const promptName: JsonSchema = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' };
const visibility: JsonSchema = { type: 'string', enum: ['private', 'public', 'shared'] };

/** The answer of a prompt call, with `output` described by `output`. */
export function promptCallResponse(output: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['output', 'model', 'prompt', 'usage', 'cost'],
    properties: {
      output,
      model: { type: 'string', description: 'The public model that answered.' },
      prompt: schemaRef('PromptReference'),
      usage: schemaRef('Usage'),
      cost: schemaRef('CostUsd'),
    },
  };
}

const outputSpec: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['text', 'json'] },
    schema: { type: 'object', description: 'For `json` prompts: the JSON Schema the output satisfies.' },
  },
};

const promptSummary: JsonSchema = {
  type: 'object',
  required: ['name', 'description', 'latest_version', 'output', 'model', 'visibility'],
  properties: {
    name: promptName,
    description: { type: 'string' },
    latest_version: { type: 'integer', minimum: 1 },
    output: { type: 'string', enum: ['text', 'json'] },
    model: { type: 'string' },
    visibility,
    owner: { type: ['string', 'null'], description: 'The owning tenant; absent or null for prompts an operator published.' },
  },
};

const promptVersionSummary: JsonSchema = {
  type: 'object',
  required: ['version', 'model', 'deprecated', 'input_schema', 'output', 'created_at'],
  properties: {
    version: { type: 'integer', minimum: 1 },
    model: { type: 'string' },
    deprecated: { type: 'boolean', description: 'A deprecated version still answers, with a `Deprecation` header.' },
    input_schema: { type: 'object', description: 'The JSON Schema of the variables.' },
    output: schemaRef('PromptOutputSpec'),
    created_at: { type: 'string', format: 'date-time', description: 'When the version was published.' },
  },
};

const promptDetails: JsonSchema = {
  type: 'object',
  required: ['name', 'description', 'visibility', 'versions'],
  properties: {
    name: promptName,
    description: { type: 'string' },
    owner: { type: ['string', 'null'] },
    visibility,
    versions: { type: 'array', items: schemaRef('PromptVersionSummary'), description: 'Oldest first.' },
  },
};

const subscription: JsonSchema = {
  type: 'object',
  required: ['name', 'tenant', 'status'],
  properties: {
    name: promptName,
    tenant: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'approved', 'rejected', 'not_required'], description: '`not_required` when the tenant may already call the prompt.' },
  },
};

const subscriptionRecord: JsonSchema = {
  type: 'object',
  required: ['name', 'tenant', 'status', 'requested_at', 'decided_at'],
  properties: {
    name: promptName,
    tenant: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'approved', 'rejected'] },
    requested_at: { type: 'string', format: 'date-time' },
    decided_at: { type: ['string', 'null'], format: 'date-time' },
  },
};

/** A published version as stored: the definition with its version number (plus server fields). */
function storedPromptVersion(): JsonSchema {
  const { additionalProperties: _closed, ...definition } = fromZod(promptDefinitionSchema, 'output');
  return { ...definition, description: 'The stored prompt version.' };
}

export function promptSchemas(): Record<string, JsonSchema> {
  return {
    PromptOutputSpec: outputSpec,
    PromptSummary: promptSummary,
    PromptList: {
      type: 'object',
      required: ['object', 'data'],
      properties: { object: { type: 'string', const: 'list' }, data: { type: 'array', items: schemaRef('PromptSummary') } },
    },
    PromptVersionSummary: promptVersionSummary,
    PromptDetails: promptDetails,
    PromptReference: {
      type: 'object',
      required: ['name', 'version'],
      properties: { name: promptName, version: { type: 'integer', minimum: 1 } },
    },
    CostUsd: {
      type: ['string', 'null'],
      pattern: '^[0-9]+(\\.[0-9]+)?$',
      description: 'The cost in USD as an exact decimal string (e.g. `"0.000012345"`); null when the model has no price.',
      examples: ['0.000012345'],
    },
    PromptCallResponse: promptCallResponse({
      description: 'A string for text prompts; for JSON prompts, a value satisfying the prompt\'s output schema.',
    }),
    PromptStreamDelta: {
      type: 'object',
      required: ['text'],
      properties: { text: { type: 'string' } },
      description: 'The data of an `event: delta` in a streamed text prompt.',
    },
    PromptSubscription: subscription,
    PromptSubscriptionRecord: subscriptionRecord,
    PromptSubscriptionList: { type: 'object', required: ['data'], properties: { data: { type: 'array', items: schemaRef('PromptSubscriptionRecord') } } },
    PromptDeprecated: {
      type: 'object',
      required: ['name', 'version', 'deprecated'],
      properties: { name: promptName, version: { type: 'integer', minimum: 1 }, deprecated: { type: 'boolean', const: true } },
    },
    PromptDefinition: {
      ...fromZod(promptDefinitionSchema.omit({ version: true, deprecated: true })),
      description: 'A prompt to publish; its version is the next after the highest existing one.',
    },
    StoredPromptVersion: storedPromptVersion(),
  };
}

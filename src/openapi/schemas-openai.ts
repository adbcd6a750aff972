/**
 * @module openapi/schemas-openai
 * Component schemas of the OpenAI-compatible surface. Request bodies come from the zod schemas the
 * routes validate with (`schemas/openai-*.ts`), so the document cannot drift from them; answers
 * follow the TypeScript types in the same files, which follow OpenAI's own OpenAPI document.
 */
import { chatCompletionRequestSchema } from '../../schemas/openai-chat.js';
import { embeddingsRequestSchema } from '../../schemas/openai-embeddings.js';
import { fromZod, orNull, schemaRef } from './openapi-parts.js';
import type { JsonSchema } from './openapi-types.js';

const finishReasons = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'];

const usage: JsonSchema = {
  type: 'object',
  description: 'Token counts of the call. Cached input and cache writes are parts of `prompt_tokens`; reasoning is part of `completion_tokens`.',
  required: ['prompt_tokens', 'completion_tokens', 'total_tokens'],
  properties: {
    prompt_tokens: { type: 'integer', minimum: 0 },
    completion_tokens: { type: 'integer', minimum: 0 },
    total_tokens: { type: 'integer', minimum: 0 },
    prompt_tokens_details: {
      type: 'object',
      properties: {
        cached_tokens: { type: 'integer', minimum: 0 },
        cache_write_tokens: { type: 'integer', minimum: 0 },
        audio_tokens: { type: 'integer', minimum: 0 },
      },
    },
    completion_tokens_details: {
      type: 'object',
      properties: { reasoning_tokens: { type: 'integer', minimum: 0 }, audio_tokens: { type: 'integer', minimum: 0 } },
    },
  },
};

const toolCall: JsonSchema = {
  type: 'object',
  required: ['id', 'type', 'function'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string', const: 'function' },
    function: {
      type: 'object',
      required: ['name', 'arguments'],
      properties: { name: { type: 'string' }, arguments: { type: 'string', description: 'The arguments, as a JSON text.' } },
    },
  },
};

const chatCompletionMessage: JsonSchema = {
  type: 'object',
  required: ['role', 'content', 'refusal'],
  properties: {
    role: { type: 'string', const: 'assistant' },
    content: { type: ['string', 'null'] },
    refusal: { type: ['string', 'null'] },
    tool_calls: { type: 'array', items: schemaRef('ToolCall') },
  },
};

const chatCompletion: JsonSchema = {
  type: 'object',
  required: ['id', 'object', 'created', 'model', 'choices'],
  properties: {
    id: { type: 'string' },
    object: { type: 'string', const: 'chat.completion' },
    created: { type: 'integer', description: 'Unix time in seconds.' },
    model: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'message', 'finish_reason'],
        properties: {
          index: { type: 'integer', minimum: 0 },
          message: schemaRef('ChatCompletionMessage'),
          finish_reason: { type: 'string', enum: finishReasons },
          logprobs: { type: ['object', 'null'] },
        },
      },
    },
    usage: schemaRef('Usage'),
    system_fingerprint: { type: 'string' },
  },
};

const toolCallDelta: JsonSchema = {
  type: 'object',
  required: ['index'],
  description: '`id`, `type` and `function.name` arrive on the first chunk of each tool call.',
  properties: {
    index: { type: 'integer', minimum: 0 },
    id: { type: 'string' },
    type: { type: 'string', const: 'function' },
    function: { type: 'object', properties: { name: { type: 'string' }, arguments: { type: 'string' } } },
  },
};

const chatCompletionChunk: JsonSchema = {
  type: 'object',
  required: ['id', 'object', 'created', 'model', 'choices'],
  properties: {
    id: { type: 'string' },
    object: { type: 'string', const: 'chat.completion.chunk' },
    created: { type: 'integer' },
    model: { type: 'string' },
    choices: {
      type: 'array',
      description: 'Empty on the final usage chunk (sent when `stream_options.include_usage` is true).',
      items: {
        type: 'object',
        required: ['index', 'delta', 'finish_reason'],
        properties: {
          index: { type: 'integer', minimum: 0 },
          delta: {
            type: 'object',
            properties: {
              role: { type: 'string', const: 'assistant' },
              content: { type: ['string', 'null'] },
              refusal: { type: ['string', 'null'] },
              tool_calls: { type: 'array', items: toolCallDelta },
            },
          },
          finish_reason: { type: ['string', 'null'], enum: [...finishReasons, null] },
          logprobs: { type: ['object', 'null'] },
        },
      },
    },
    usage: orNull(schemaRef('Usage')),
    system_fingerprint: { type: 'string' },
  },
};

const embeddingsResponse: JsonSchema = {
  type: 'object',
  required: ['object', 'data', 'model', 'usage'],
  properties: {
    object: { type: 'string', const: 'list' },
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['object', 'index', 'embedding'],
        properties: {
          object: { type: 'string', const: 'embedding' },
          index: { type: 'integer', minimum: 0 },
          embedding: {
            description: 'Numbers, or base64 of little-endian float32 when `encoding_format` is `base64`.',
            oneOf: [{ type: 'array', items: { type: 'number' } }, { type: 'string' }],
          },
        },
      },
    },
    model: { type: 'string' },
    usage: {
      type: 'object',
      required: ['prompt_tokens', 'total_tokens'],
      properties: { prompt_tokens: { type: 'integer', minimum: 0 }, total_tokens: { type: 'integer', minimum: 0 } },
    },
  },
};

const model: JsonSchema = {
  type: 'object',
  required: ['id', 'object', 'created', 'owned_by'],
  properties: {
    id: { type: 'string', description: 'The public model name; may contain `/` (`provider/model`).' },
    object: { type: 'string', const: 'model' },
    created: { type: 'integer' },
    owned_by: { type: 'string' },
  },
};

const errorResponse: JsonSchema = {
  type: 'object',
  description: 'Every failure, in the OpenAI error shape.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type', 'param', 'code'],
      properties: {
        message: { type: 'string' },
        type: { type: 'string', description: 'e.g. `invalid_request_error`, `authentication_error`, `rate_limit_error`, `upstream_error`.' },
        param: { type: ['string', 'null'], description: 'The request field at fault, when there is one.' },
        code: { type: ['string', 'null'], description: 'A stable machine-readable code, e.g. `model_not_found`.' },
      },
    },
  },
};

export function openAiSchemas(): Record<string, JsonSchema> {
  return {
    ChatCompletionRequest: fromZod(chatCompletionRequestSchema),
    ChatCompletion: chatCompletion,
    ChatCompletionMessage: chatCompletionMessage,
    ToolCall: toolCall,
    ChatCompletionChunk: chatCompletionChunk,
    Usage: usage,
    EmbeddingsRequest: fromZod(embeddingsRequestSchema),
    EmbeddingsResponse: embeddingsResponse,
    Model: model,
    ModelList: {
      type: 'object',
      required: ['object', 'data'],
      properties: { object: { type: 'string', const: 'list' }, data: { type: 'array', items: schemaRef('Model') } },
    },
    ErrorResponse: errorResponse,
  };
}

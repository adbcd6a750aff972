/**
 * @module openapi/schemas-protocols
 * Component schemas of the other inbound protocols (Anthropic Messages, OpenAI Responses, Gemini,
 * legacy completions, images, audio, moderations). Request bodies come from the zod schemas the
 * routes validate with; answers are described by hand, after each vendor's own reference.
 */
import { countTokensRequestSchema, messagesRequestSchema } from '../../protocols/anthropic/index.js';
import { responsesRequestSchema } from '../../protocols/responses/index.js';
import { generateContentRequestSchema } from '../../protocols/gemini/index.js';
import { completionsRequestSchema } from '../../protocols/completions/index.js';
import { imagesRequestSchema, moderationsRequestSchema, speechRequestSchema } from '../../schemas/openai-media.js';
import { fromZod } from './openapi-parts.js';
import type { JsonSchema } from './openapi-types.js';

const anthropicMessage: JsonSchema = {
  type: 'object',
  description: 'An Anthropic Message. From an Anthropic upstream it is the upstream’s own answer; otherwise translated.',
  required: ['id', 'type', 'role', 'model', 'content', 'stop_reason', 'stop_sequence', 'usage'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string', const: 'message' },
    role: { type: 'string', const: 'assistant' },
    model: { type: 'string' },
    content: { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { type: 'string', description: '`text`, `tool_use`, `thinking`...' } } } },
    stop_reason: { type: ['string', 'null'], description: '`end_turn`, `max_tokens`, `stop_sequence`, `tool_use`, `refusal`...' },
    stop_sequence: { type: ['string', 'null'] },
    usage: {
      type: 'object',
      description: '`input_tokens` excludes cache reads and writes, which have their own fields: each token is counted once.',
      required: ['input_tokens', 'output_tokens'],
      properties: {
        input_tokens: { type: 'integer', minimum: 0 },
        cache_creation_input_tokens: { type: ['integer', 'null'], minimum: 0 },
        cache_read_input_tokens: { type: ['integer', 'null'], minimum: 0 },
        output_tokens: { type: 'integer', minimum: 0 },
      },
    },
  },
};

const anthropicError: JsonSchema = {
  type: 'object',
  description: "Anthropic's error shape, answered on `/v1/messages` (and `/v1/models` with `anthropic-version`).",
  required: ['type', 'error'],
  properties: {
    type: { type: 'string', const: 'error' },
    error: {
      type: 'object',
      required: ['type', 'message'],
      properties: {
        type: { type: 'string', description: '`invalid_request_error`, `authentication_error`, `permission_error`, `not_found_error`, `request_too_large`, `rate_limit_error`, `api_error`, `overloaded_error`, `timeout_error`' },
        message: { type: 'string' },
      },
    },
  },
};

const responseObject: JsonSchema = {
  type: 'object',
  description: 'An OpenAI Response object (see OpenAI’s `Response` schema): the upstream’s own from OpenAI, translated otherwise.',
  required: ['id', 'object', 'created_at', 'status', 'model', 'output'],
  properties: {
    id: { type: 'string' },
    object: { const: 'response' },
    created_at: { type: 'integer' },
    status: { enum: ['completed', 'failed', 'in_progress', 'cancelled', 'queued', 'incomplete'] },
    model: { type: 'string' },
    output: { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { type: 'string', description: '`message`, `function_call`, `reasoning`...' } } } },
    previous_response_id: { type: ['string', 'null'] },
    usage: {
      type: 'object',
      description: 'Cached input is part of `input_tokens`, reasoning part of `output_tokens`.',
      properties: {
        input_tokens: { type: 'integer' },
        input_tokens_details: { type: 'object', properties: { cached_tokens: { type: 'integer' }, cache_write_tokens: { type: 'integer' } } },
        output_tokens: { type: 'integer' },
        output_tokens_details: { type: 'object', properties: { reasoning_tokens: { type: 'integer' } } },
        total_tokens: { type: 'integer' },
      },
    },
  },
};

const geminiResponse: JsonSchema = {
  type: 'object',
  description: 'A Gemini GenerateContentResponse.',
  properties: {
    candidates: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          content: { type: 'object', properties: { role: { type: 'string' }, parts: { type: 'array', items: { type: 'object' } } } },
          finishReason: { type: 'string', description: '`STOP`, `MAX_TOKENS`, `SAFETY`...' },
          index: { type: 'integer' },
        },
      },
    },
    usageMetadata: {
      type: 'object',
      description: '`promptTokenCount` includes `cachedContentTokenCount`; `thoughtsTokenCount` is apart from `candidatesTokenCount`.',
      properties: {
        promptTokenCount: { type: 'integer' },
        cachedContentTokenCount: { type: 'integer' },
        candidatesTokenCount: { type: 'integer' },
        thoughtsTokenCount: { type: 'integer' },
        totalTokenCount: { type: 'integer' },
      },
    },
    modelVersion: { type: 'string' },
    responseId: { type: 'string' },
  },
};

const geminiError: JsonSchema = {
  type: 'object',
  description: "Google's error shape, answered on `/v1beta`.",
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'status'],
      properties: { code: { type: 'integer' }, message: { type: 'string' }, status: { type: 'string', description: '`INVALID_ARGUMENT`, `UNAUTHENTICATED`, `PERMISSION_DENIED`, `NOT_FOUND`, `RESOURCE_EXHAUSTED`, `INTERNAL`, `UNAVAILABLE`, `DEADLINE_EXCEEDED`...' } },
    },
  },
};

export function protocolSchemas(): Record<string, JsonSchema> {
  return {
    AnthropicMessagesRequest: fromZod(messagesRequestSchema),
    AnthropicCountTokensRequest: fromZod(countTokensRequestSchema),
    AnthropicMessage: anthropicMessage,
    AnthropicCountTokensResponse: { type: 'object', required: ['input_tokens'], properties: { input_tokens: { type: 'integer', minimum: 0 } } },
    AnthropicErrorResponse: anthropicError,
    ResponsesRequest: fromZod(responsesRequestSchema),
    ResponseObject: responseObject,
    GeminiGenerateContentRequest: fromZod(generateContentRequestSchema),
    GeminiGenerateContentResponse: geminiResponse,
    GeminiErrorResponse: geminiError,
    CompletionsRequest: fromZod(completionsRequestSchema),
    ImagesRequest: fromZod(imagesRequestSchema),
    SpeechRequest: fromZod(speechRequestSchema),
    ModerationsRequest: fromZod(moderationsRequestSchema),
    TextCompletion: {
      type: 'object',
      required: ['id', 'object', 'created', 'model', 'choices'],
      properties: {
        id: { type: 'string' },
        object: { const: 'text_completion' },
        created: { type: 'integer' },
        model: { type: 'string' },
        choices: { type: 'array', items: { type: 'object', required: ['text', 'index', 'logprobs', 'finish_reason'], properties: { text: { type: 'string' }, index: { type: 'integer' }, logprobs: { type: 'null' }, finish_reason: { enum: ['stop', 'length', 'content_filter', null] } } } },
        usage: { type: 'object', properties: { prompt_tokens: { type: 'integer' }, completion_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } } },
      },
    },
  };
}

/**
 * @module openapi/paths-protocols
 * The routes of the other inbound protocols: Anthropic Messages, OpenAI Responses, Gemini,
 * legacy completions, images, audio and moderations. Each answers errors in its own protocol's
 * shape, listed per route.
 */
import { errorResponses, headerRefs, jsonRequestBody, jsonResponse, meteredHeaders, modelCallErrors, schemaRef, security } from './openapi-parts.js';
import type { JsonSchema, PathItem, Paths } from './openapi-types.js';

const anthropicSecurity = [{ tenantKey: [] }, { apiKeyHeader: [] }];

/** Error responses with the named error schema, for the listed statuses. */
function protocolErrors(schema: string, statuses: number[], descriptions: Record<number, string> = {}): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const status of statuses) {
    responses[String(status)] = {
      description: descriptions[status] ?? defaultErrorDescriptions[status] ?? 'An error.',
      headers: headerRefs(status === 429 ? ['RetryAfter'] : []),
      content: { 'application/json': { schema: schemaRef(schema) } },
    };
  }
  return responses;
}

const defaultErrorDescriptions: Record<number, string> = {
  400: 'The body is invalid (a field out of range, nested too deep, an unknown block type) or the provider lacks a feature.',
  401: 'No usable key.',
  403: 'The model is outside the key’s scope, or has no price and the tenant refuses unpriced models.',
  404: 'No such model (or stored response).',
  405: 'The path exists but not with this method; `Allow` lists the methods.',
  413: 'The body is larger than `server.bodyLimitBytes`.',
  429: 'Over a request, token or money limit, or the upstream is rate-limiting.',
  500: 'Tollgate failed internally.',
  502: 'The upstream failed or was unreachable.',
  503: 'The upstream is overloaded, or the quota backend is unreachable and fails closed.',
  504: 'The upstream did not answer in time.',
};

const modelCallStatuses = [400, 401, 403, 404, 405, 413, 429, 500, 502, 503, 504];

function sse(description: string): JsonSchema {
  return { type: 'string', description };
}

const responseIdParameter = { name: 'id', in: 'path', required: true, description: 'A stored response id (`resp_...`).', schema: { type: 'string' } };

const geminiSecurity = [{ googApiKey: [] }, { googKeyQuery: [] }];
const geminiModelParameter = { name: 'model', in: 'path', required: true, description: 'A configured model name (it may contain `/`).', schema: { type: 'string' } };

function geminiOperation(operationId: string, summary: string, streamed: boolean) {
  return {
    post: {
      operationId,
      tags: ['gemini'],
      summary,
      description: streamed
        ? 'With `alt=sse` (what `@google/genai` sends): `data: <GenerateContentResponse>` events, CRLF-framed, no terminator; without it, one JSON array of them. Function calls come whole; the last event has `finishReason` and `usageMetadata`; a failure after the 200 is a last event holding `{"error": {...}}`.'
        : 'Google’s Gemini API for every configured model, translated to and from the chat shape. Auth: `x-goog-api-key` or `?key=`.',
      security: geminiSecurity,
      parameters: [geminiModelParameter, ...(streamed ? [{ name: 'alt', in: 'query', required: false, description: '`sse` for server-sent events.', schema: { type: 'string', enum: ['sse'] } }] : [])],
      requestBody: jsonRequestBody(schemaRef('GeminiGenerateContentRequest')),
      responses: {
        200: {
          description: streamed ? 'The streamed answer.' : 'The answer.',
          headers: headerRefs(meteredHeaders),
          content: streamed
            ? { 'text/event-stream': { schema: sse('`data: <GenerateContentResponse>` per event.') }, 'application/json': { schema: { type: 'array', items: schemaRef('GeminiGenerateContentResponse') } } }
            : { 'application/json': { schema: schemaRef('GeminiGenerateContentResponse') } },
        },
        ...protocolErrors('GeminiErrorResponse', modelCallStatuses),
      },
    },
  };
}

function unitCall(operationId: string, summary: string, description: string, requestBody: unknown, answer: unknown): PathItem {
  return {
    post: {
      operationId,
      tags: ['media'],
      summary,
      description,
      security: security.tenant,
      requestBody,
      responses: { 200: { description: 'The upstream’s answer.', headers: headerRefs(meteredHeaders), content: answer }, ...errorResponses(modelCallErrors) },
    },
  };
}

export function protocolPaths(): Paths {
  return {
    '/v1/images/generations': unitCall(
      'createImage',
      'Generate images',
      'For providers with OpenAI’s images API (OpenAI, Azure OpenAI, OpenAI-compatible); others answer 400. Billed per image returned at the model’s `unitPrice.perImage` or the built-in price (dall-e-2, dall-e-3); the unpriced-model policy applies.',
      jsonRequestBody(schemaRef('ImagesRequest')),
      { 'application/json': { schema: { type: 'object', description: 'OpenAI’s ImagesResponse, as the upstream sent it.' } } },
    ),
    '/v1/audio/speech': unitCall(
      'createSpeech',
      'Text to speech',
      'Billed per character of `input` (`unitPrice.perCharacter`, or tts-1 and tts-1-hd built in); the audio streams back as the upstream makes it.',
      jsonRequestBody(schemaRef('SpeechRequest')),
      { 'audio/mpeg': { schema: { type: 'string', format: 'binary' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    ),
    '/v1/audio/transcriptions': unitCall(
      'createTranscription',
      'Transcribe audio',
      'A multipart upload (`file`, `model`, and OpenAI’s other fields), streamed to a temporary file and on to the upstream with `model` swapped; over `server.bodyLimitBytes` it is a 413. Billed per second of audio (`unitPrice.perSecond`, or whisper-1 built in): the answer’s `duration` or `usage.seconds`, the last subtitle timestamp, else estimated from the file size (flagged `estimated`).',
      {
        required: true,
        content: {
          'multipart/form-data': {
            schema: { type: 'object', required: ['file', 'model'], properties: { file: { type: 'string', format: 'binary' }, model: { type: 'string' }, response_format: { type: 'string' }, language: { type: 'string' }, prompt: { type: 'string' } } },
          },
        },
      },
      { 'application/json': { schema: { type: 'object', description: 'The transcription, as the upstream sent it.' } }, 'text/plain': { schema: { type: 'string' } } },
    ),
    '/v1/moderations': unitCall(
      'createModeration',
      'Classify text for moderation',
      'Billed per character of text (OpenAI’s moderation models are free: 0 built in).',
      jsonRequestBody(schemaRef('ModerationsRequest')),
      { 'application/json': { schema: { type: 'object', description: 'OpenAI’s moderation results, as the upstream sent them.' } } },
    ),
    '/v1/completions': {
      post: {
        operationId: 'createCompletion',
        tags: ['chat'],
        summary: 'Create a completion (legacy)',
        description: 'OpenAI’s legacy completions, served by any configured chat model: the prompt is sent as one user message. One prompt per request; `logprobs`, `suffix` and `best_of` > 1 are refused.',
        security: security.tenant,
        requestBody: jsonRequestBody(schemaRef('CompletionsRequest')),
        responses: {
          200: {
            description: 'The completion, or with `"stream": true` its chunks, then `data: [DONE]`.',
            headers: headerRefs(meteredHeaders),
            content: { 'application/json': { schema: schemaRef('TextCompletion') }, 'text/event-stream': { schema: sse('`data: <text_completion chunk>` events, a usage chunk with `stream_options.include_usage`, then `data: [DONE]`.') } },
          },
          ...errorResponses(modelCallErrors),
        },
      },
    },
    '/v1beta/models/{model}:generateContent': geminiOperation('geminiGenerateContent', 'Generate content (Gemini API)', false),
    '/v1beta/models/{model}:streamGenerateContent': geminiOperation('geminiStreamGenerateContent', 'Stream generated content (Gemini API)', true),
    '/v1/responses': {
      post: {
        operationId: 'createResponse',
        tags: ['responses'],
        summary: 'Create a response (OpenAI Responses API)',
        description:
          'OpenAI’s Responses API for every configured model. An OpenAI upstream (`type: openai`) receives the client’s own body (only `model` changed); any other is translated (function tools only). With `store` (default true) the Response and its conversation are kept for the tenant (`responses.ttlSeconds`, size caps) so `previous_response_id` continues it on any model.',
        security: security.tenant,
        requestBody: jsonRequestBody(schemaRef('ResponsesRequest')),
        responses: {
          200: {
            description: 'The Response (JSON), or with `"stream": true` its typed events.',
            headers: headerRefs(meteredHeaders),
            content: {
              'application/json': { schema: schemaRef('ResponseObject') },
              'text/event-stream': {
                schema: sse(
                  '`event:` + `data:` frames, each with `type` and `sequence_number`: `response.created`, `response.in_progress`, per item `response.output_item.added`, deltas (`response.output_text.delta`, `response.function_call_arguments.delta`, `response.reasoning_text.delta`) and their `.done`, `response.output_item.done`, then `response.completed` (or `response.incomplete`). A failure after the 200 is an `error` event then `response.failed`.',
                ),
              },
            },
          },
          ...errorResponses(modelCallErrors),
        },
      },
    },
    '/v1/responses/{id}': {
      get: {
        operationId: 'retrieveResponse',
        tags: ['responses'],
        summary: 'Retrieve a stored response',
        security: security.tenant,
        parameters: [responseIdParameter],
        responses: { 200: jsonResponse('The stored Response.', schemaRef('ResponseObject')), ...errorResponses([401, 404, 500]) },
      },
      delete: {
        operationId: 'deleteResponse',
        tags: ['responses'],
        summary: 'Delete a stored response',
        security: security.tenant,
        parameters: [responseIdParameter],
        responses: {
          200: jsonResponse('Deleted.', { type: 'object', required: ['id', 'object', 'deleted'], properties: { id: { type: 'string' }, object: { const: 'response' }, deleted: { const: true } } }),
          ...errorResponses([401, 404, 500]),
        },
      },
    },
    '/v1/messages': {
      post: {
        operationId: 'createMessage',
        tags: ['anthropic'],
        summary: 'Create a message (Anthropic Messages API)',
        description:
          'Anthropic’s Messages API for every configured model. An Anthropic upstream receives the client’s own body (only `model` changed) with its `anthropic-version` and `anthropic-beta`, and answers as it would; any other upstream is translated. Auth: `x-api-key` or `Authorization: Bearer`.',
        security: anthropicSecurity,
        requestBody: jsonRequestBody(schemaRef('AnthropicMessagesRequest')),
        responses: {
          200: {
            description: 'The message (JSON), or with `"stream": true` its events.',
            headers: headerRefs(meteredHeaders),
            content: {
              'application/json': { schema: schemaRef('AnthropicMessage') },
              'text/event-stream': {
                schema: sse(
                  '`event:` + `data:` frames: `message_start`, per content block `content_block_start`, `content_block_delta`*, `content_block_stop` (a `ping` after the first start), `message_delta` (stop reason, usage), `message_stop`; a failure after the 200 is `event: error`. The comment line `: x-tollgate-cost-usd: <USD>` comes before `message_stop`.',
                ),
              },
            },
          },
          ...protocolErrors('AnthropicErrorResponse', modelCallStatuses),
        },
      },
    },
    '/v1/messages/count_tokens': {
      post: {
        operationId: 'countMessageTokens',
        tags: ['anthropic'],
        summary: 'Count the input tokens of a message (Anthropic)',
        description: 'Counted by Tollgate (tiktoken) for any configured model; not metered, nothing is sent upstream.',
        security: anthropicSecurity,
        requestBody: jsonRequestBody(schemaRef('AnthropicCountTokensRequest')),
        responses: {
          200: { description: 'The count.', headers: headerRefs(), content: { 'application/json': { schema: schemaRef('AnthropicCountTokensResponse') } } },
          ...protocolErrors('AnthropicErrorResponse', [400, 401, 403, 404, 405, 413, 500]),
        },
      },
    },
  };
}


/**
 * @module openapi/paths-openai
 * The OpenAI-compatible routes: `/v1/chat/completions`, `/v1/embeddings`, `/v1/models`.
 */
import {
  errorResponses,
  headerRefs,
  jsonRequestBody,
  jsonResponse,
  meteredHeaders,
  modelCallErrors,
  pathParameter,
  schemaRef,
  security,
} from './openapi-parts.js';
import type { Paths } from './openapi-types.js';

const chatStreamDescription = [
  'With `"stream": true`: server-sent events, one `data: <ChatCompletionChunk>` per event, ending with `data: [DONE]`.',
  'The first delta carries `role: "assistant"`; a usage chunk (`choices: []`) comes last when `stream_options.include_usage` is true.',
  'Just before `[DONE]`, the comment line `: x-tollgate-cost-usd: <USD>` gives the cost.',
  'An upstream failure mid-stream ends the stream with `data: {"error": {...}}`.',
].join(' ');

/** The model `/docs` "Try it out" sends unless the gateway says otherwise: the default configuration's. */
export const defaultExampleModel = 'demo';

/** Request examples that work when sent as they are, so "Try it out" answers instead of failing on `"model": "string"`. */
export function chatExample(model: string) {
  return { model, messages: [{ role: 'user', content: 'Hello, Tollgate!' }] };
}

export function embeddingsExample(model: string) {
  return { model, input: 'Hello, Tollgate!' };
}

/** `paths` with the chat and embeddings examples naming `model` (a model this gateway serves). */
export function withExampleModel(paths: Paths, model: string): Paths {
  if (model === defaultExampleModel) return paths;
  const withBodyExample = (path: string, example: unknown) => {
    const operation = (paths[path] as { post: { requestBody: { content: Record<string, object> } } }).post;
    return { ...paths[path], post: { ...operation, requestBody: { ...operation.requestBody, content: { 'application/json': { ...operation.requestBody.content['application/json'], example } } } } };
  };
  return { ...paths, '/v1/chat/completions': withBodyExample('/v1/chat/completions', chatExample(model)), '/v1/embeddings': withBodyExample('/v1/embeddings', embeddingsExample(model)) };
}

export function openAiPaths(): Paths {
  return {
    '/v1/chat/completions': {
      post: {
        operationId: 'createChatCompletion',
        tags: ['chat'],
        summary: 'Create a chat completion',
        description: 'OpenAI-compatible chat for every configured provider, as JSON or, with `"stream": true`, as server-sent events.',
        security: security.tenant,
        requestBody: jsonRequestBody(schemaRef('ChatCompletionRequest'), undefined, chatExample(defaultExampleModel)),
        responses: {
          200: {
            description: 'The completion (JSON), or its chunks (`text/event-stream`) when `stream` is true.',
            headers: headerRefs(meteredHeaders),
            content: {
              'application/json': { schema: schemaRef('ChatCompletion') },
              'text/event-stream': {
                schema: { type: 'string', description: chatStreamDescription },
                example: 'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1767225600,"model":"demo","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}\n\ndata: [DONE]\n\n',
              },
            },
          },
          ...errorResponses(modelCallErrors),
        },
      },
    },
    '/v1/embeddings': {
      post: {
        operationId: 'createEmbeddings',
        tags: ['embeddings'],
        summary: 'Create embeddings',
        description: 'For providers with an embeddings API (OpenAI, Azure OpenAI, OpenAI-compatible, Gemini, mock); others answer 400.',
        security: security.tenant,
        requestBody: jsonRequestBody(schemaRef('EmbeddingsRequest'), undefined, embeddingsExample(defaultExampleModel)),
        responses: {
          200: jsonResponse('The embeddings.', schemaRef('EmbeddingsResponse'), meteredHeaders),
          ...errorResponses(modelCallErrors),
        },
      },
    },
    '/v1/models': {
      get: {
        operationId: 'listModels',
        tags: ['models'],
        summary: 'List models',
        description: "The configured models this key's tenant and scope may use.",
        security: security.tenant,
        responses: { 200: jsonResponse('The models.', schemaRef('ModelList')), ...errorResponses([401, 403, 500]) },
      },
    },
    '/v1/models/{id}': {
      get: {
        operationId: 'retrieveModel',
        tags: ['models'],
        summary: 'Retrieve a model',
        security: security.tenant,
        parameters: [pathParameter('id', 'The model name. It may contain `/` (`anthropic/claude-opus-4-1`), sent as is.')],
        responses: {
          200: jsonResponse('The model.', schemaRef('Model')),
          ...errorResponses([401, 403, 404, 500]),
        },
      },
    },
  };
}

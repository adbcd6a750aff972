/**
 * @module openapi/paths-prompts
 * The prompt API's routes for any prompt (`/v1/prompts...`, `/admin/prompts...`), and
 * `promptCallOperation`, the one description of a prompt call that the generic routes and each
 * published prompt's own path share.
 */
import {
  adminErrors,
  errorResponses,
  headerRefs,
  jsonRequestBody,
  jsonResponse,
  meteredHeaders,
  pathParameter,
  queryParameter,
  schemaRef,
  security,
  type HeaderName,
} from './openapi-parts.js';
import type { JsonSchema, Operation, Paths } from './openapi-types.js';

const nameParameter = pathParameter('name', 'The prompt name.', { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' });
const versionParameter = pathParameter('version', 'The version number.', { type: 'integer', minimum: 1 });
const streamParameter = queryParameter(
  'stream',
  'Text prompts only: `true` answers `text/event-stream`. So do `Accept: text/event-stream` and `"stream": true` in the body (unless the prompt has a `stream` variable).',
  { type: 'boolean', default: false },
);

const streamDescription = [
  'Text prompts, streamed: `event: delta` events with `data: {"text": "..."}` (`PromptStreamDelta`) as the model writes,',
  'then one `event: done` whose data is the same object as the JSON answer (`PromptCallResponse`),',
  'or `event: error` with `data: {"error": {...}}` (`ErrorResponse`).',
].join(' ');

const streamExample =
  'event: delta\ndata: {"text":"The board"}\n\nevent: delta\ndata: {"text":" approved..."}\n\n' +
  'event: done\ndata: {"output":"The board approved...","model":"demo","prompt":{"name":"summarize","version":1},' +
  '"usage":{"prompt_tokens":52,"completion_tokens":9,"total_tokens":61},"cost":"0.000012345"}\n\n';

/** The error answers of a prompt call, with what each means for prompts. */
function promptCallErrors(): Record<string, unknown> {
  const error = (description: string, headers: HeaderName[] = []) => ({
    description,
    headers: headerRefs(headers),
    content: { 'application/json': { schema: schemaRef('ErrorResponse') } },
  });
  return {
    ...errorResponses([401, 413, 429, 500, 503, 504]),
    400: error('`invalid_prompt_input`: the variables break the input schema (the message lists every bad field); `stream_not_supported` for JSON prompts.'),
    403: error('No access: `prompt_not_shared`, `subscription_pending`, `subscription_rejected`, `prompt_not_allowed` (key scope), or the model is out of scope.'),
    404: error('`prompt_not_found` or `prompt_version_not_found`.'),
    502: error("`invalid_model_output`: the model's answer broke the output schema even after one repair attempt (the raw text is in the message); or an upstream failure."),
  };
}

export interface PromptCallDescription {
  operationId: string;
  summary: string;
  description: string;
  parameters: unknown[];
  /** The body: the prompt's variables. */
  body: JsonSchema;
  bodyExamples?: Record<string, { summary?: string; value: unknown }>;
  /** The schema of the JSON answer. */
  response: JsonSchema;
  /** Whether `text/event-stream` may be asked for (text prompts). */
  streams: boolean;
  deprecated?: boolean;
}

export function promptCallOperation(call: PromptCallDescription): Operation {
  const json = { schema: call.response };
  const parameters = call.streams ? [...call.parameters, streamParameter] : call.parameters;
  const content = call.streams
    ? { 'application/json': json, 'text/event-stream': { schema: { type: 'string', description: streamDescription }, example: streamExample } }
    : { 'application/json': json };
  return {
    operationId: call.operationId,
    tags: ['prompts'],
    summary: call.summary,
    description: call.description,
    ...(call.deprecated ? { deprecated: true } : {}),
    security: security.tenant,
    ...(parameters.length > 0 ? { parameters } : {}),
    requestBody: {
      required: true,
      content: { 'application/json': { schema: call.body, ...(call.bodyExamples ? { examples: call.bodyExamples } : {}) } },
    },
    responses: {
      200: { description: "The prompt's answer.", headers: headerRefs([...meteredHeaders, 'Deprecation']), content },
      ...promptCallErrors(),
    },
  };
}

const anyVariables: JsonSchema = {
  type: 'object',
  description: "The prompt's variables, as its input schema describes them (`GET /v1/prompts/{name}`, or the prompt's own path in this document).",
  additionalProperties: true,
};

export function tenantPromptPaths(): Paths {
  return {
    '/v1/prompts': {
      get: {
        operationId: 'listPrompts',
        tags: ['prompts'],
        summary: 'List prompts',
        description: 'The latest version of every prompt this key may call.',
        security: security.tenant,
        responses: { 200: jsonResponse('The prompts.', schemaRef('PromptList')), ...errorResponses([401, 403, 500]) },
      },
    },
    '/v1/prompts/{name}': {
      get: {
        operationId: 'getPrompt',
        tags: ['prompts'],
        summary: 'Describe a prompt',
        description: 'Every version, with its input schema and output.',
        security: security.tenant,
        parameters: [nameParameter],
        responses: { 200: jsonResponse('The prompt.', schemaRef('PromptDetails')), ...errorResponses([401, 403, 404, 500]) },
      },
      post: promptCallOperation({
        operationId: 'callPrompt',
        summary: 'Call a prompt (latest version)',
        description: 'Calls the latest version that is not deprecated. Each published prompt also has its own path here, with its exact schemas.',
        parameters: [nameParameter],
        body: anyVariables,
        response: schemaRef('PromptCallResponse'),
        streams: true,
      }),
    },
    '/v1/prompts/{name}/versions/{version}': {
      post: promptCallOperation({
        operationId: 'callPromptVersion',
        summary: 'Call one version of a prompt',
        description: 'A deprecated version still answers, with a `Deprecation` header.',
        parameters: [nameParameter, versionParameter],
        body: anyVariables,
        response: schemaRef('PromptCallResponse'),
        streams: true,
      }),
    },
    '/v1/prompts/{name}/subscription': {
      post: {
        operationId: 'subscribeToPrompt',
        tags: ['prompts'],
        summary: "Ask for access to another tenant's prompt",
        description: "The owner approves or rejects. `not_required` when this tenant may already call it.",
        security: security.tenant,
        parameters: [nameParameter],
        responses: {
          200: jsonResponse('Already approved, or not required.', schemaRef('PromptSubscription')),
          202: jsonResponse('Requested; waiting for the owner.', schemaRef('PromptSubscription')),
          ...errorResponses([401, 403, 404, 500]),
        },
      },
    },
  };
}

/** Publishing routes accept operator keys and tenant keys with the `prompts:publish` permission. */
const publisherSecurity = [...security.operator, { tenantKey: [] }];

function adminPromptOperation(operation: Operation & { responses: Record<string, unknown> }, ...extraErrors: Parameters<typeof adminErrors>): Operation {
  return {
    tags: ['admin'],
    security: publisherSecurity,
    ...operation,
    responses: { ...operation.responses, ...errorResponses(adminErrors(404, ...extraErrors)) },
  };
}

export function adminPromptPaths(): Paths {
  const tenantParameter = pathParameter('tenant', 'The tenant that asked.');
  const decision = (verb: 'approve' | 'reject') =>
    adminPromptOperation({
      operationId: `${verb}PromptSubscription`,
      summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a tenant's request to use a prompt`,
      parameters: [nameParameter, tenantParameter],
      responses: { 200: jsonResponse('The subscription.', schemaRef('PromptSubscription')) },
    });
  return {
    '/admin/prompts': {
      post: adminPromptOperation(
        {
          operationId: 'publishPrompt',
          summary: 'Publish a prompt version',
          description:
            'Stores the next version of the prompt. A tenant key with `prompts:publish` publishes for its own tenant; an admin may name any `owner`, or none.',
          requestBody: jsonRequestBody(schemaRef('PromptDefinition')),
          responses: { 201: jsonResponse('The stored version.', schemaRef('StoredPromptVersion')) },
        },
        400,
      ),
    },
    '/admin/prompts/{name}/versions/{version}/deprecate': {
      post: adminPromptOperation(
        {
          operationId: 'deprecatePromptVersion',
          summary: 'Deprecate a prompt version',
          description: 'It still answers, with a `Deprecation` header. Versions from files are deprecated in the file (409).',
          parameters: [nameParameter, versionParameter],
          responses: { 200: jsonResponse('Deprecated.', schemaRef('PromptDeprecated')) },
        },
        409,
      ),
    },
    '/admin/prompts/{name}/subscriptions': {
      get: adminPromptOperation({
        operationId: 'listPromptSubscriptions',
        summary: "Requests to use a prompt, and the owner's answers",
        parameters: [nameParameter],
        responses: { 200: jsonResponse('The subscriptions.', schemaRef('PromptSubscriptionList')) },
      }),
    },
    '/admin/prompts/{name}/subscriptions/{tenant}/approve': { post: decision('approve') },
    '/admin/prompts/{name}/subscriptions/{tenant}/reject': { post: decision('reject') },
  };
}

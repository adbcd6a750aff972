/**
 * @module openapi/paths-rest-services
 * REST services in the document: the routes about them (`/v1/services`, subscriptions,
 * `/admin/targets`) and, for each configured service, its mount as a pass-through path — any
 * method, any sub-path, bodies and answers are the service's own, plus the gateway's errors.
 */
import { errorResponses, jsonResponse, pathParameter, security } from './openapi-parts.js';
import type { JsonSchema, Paths } from './openapi-types.js';

export interface DocumentedService {
  name: string;
  mount: string;
  access: 'open' | 'subscription';
}

const nameParameter = pathParameter('name', 'The service name from `services:` in the configuration.');
const tenantParameter = pathParameter('tenant', 'The tenant that asked.');
const anyObject: JsonSchema = { type: 'object', additionalProperties: true };

const serviceList: JsonSchema = {
  type: 'object',
  required: ['object', 'data'],
  properties: {
    object: { type: 'string', enum: ['list'] },
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'object', 'mount', 'access', 'subscription', 'callable'],
        properties: {
          id: { type: 'string' },
          object: { type: 'string', enum: ['service'] },
          mount: { type: 'string', description: 'Call the service at this path (any method and sub-path).' },
          access: { type: 'string', enum: ['open', 'subscription'] },
          subscription: { type: ['string', 'null'], enum: ['none', 'pending', 'approved', 'rejected', null], description: 'null for open services.' },
          callable: { type: 'boolean', description: 'Whether this key may call it now.' },
        },
      },
    },
  },
};

const subscription: JsonSchema = {
  type: 'object',
  required: ['service', 'tenant', 'status'],
  properties: { service: { type: 'string' }, tenant: { type: 'string' }, status: { type: 'string', enum: ['pending', 'approved', 'rejected'] } },
};

/** One pool's state: a REST service's targets, or a model group's deployments. */
function poolSchema(name: 'service' | 'model', idDescription: string): JsonSchema {
  return {
    type: 'object',
    required: [name, 'balance', 'retry_budget', 'targets'],
    properties: {
      [name]: { type: 'string' },
      balance: { type: 'string' },
      retry_budget: { type: 'object', properties: { requests: { type: 'integer' }, retries: { type: 'integer' } }, description: 'First attempts and retries in the budget window.' },
      targets: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string', description: idDescription },
            weight: { type: 'integer' },
            healthy: { type: 'boolean', description: 'Active health probes say it is up (always true without `healthCheck`).' },
            breaker: { type: 'string', enum: ['closed', 'open', 'half_open'] },
            ejected_for_ms: { type: ['integer', 'null'], description: 'Passive ejection: how much longer it is out.' },
            inflight: { type: 'integer' },
            latency_ewma_ms: { type: ['number', 'null'] },
            requests: { type: 'integer' },
            failures: { type: 'integer' },
          },
        },
      },
    },
  };
}

const targets: JsonSchema = {
  type: 'object',
  required: ['data', 'models'],
  properties: {
    data: { type: 'array', description: 'Every REST service and its targets.', items: poolSchema('service', 'The target URL.') },
    models: { type: 'array', description: 'Every configured model group and its deployments.', items: poolSchema('model', 'The deployment: `provider/model`.') },
  },
};

export function restServiceRoutePaths(): Paths {
  const decision = (verb: 'approve' | 'reject') => ({
    operationId: `${verb}ServiceSubscription`,
    tags: ['services'],
    summary: `${verb === 'approve' ? 'Approve' : 'Reject'} a tenant's request to use a service`,
    security: security.operator,
    parameters: [nameParameter, tenantParameter],
    responses: { 200: jsonResponse('The decision.', subscription), ...errorResponses([401, 403, 404]) },
  });
  return {
    '/v1/services': {
      get: {
        operationId: 'listServices',
        tags: ['services'],
        summary: 'The REST services this key may use',
        security: security.tenant,
        responses: { 200: jsonResponse('The services.', serviceList), ...errorResponses([401, 403]) },
      },
    },
    '/v1/services/{name}/subscription': {
      post: {
        operationId: 'requestServiceSubscription',
        tags: ['services'],
        summary: 'Ask for access to a service with `access: subscription`',
        security: security.tenant,
        parameters: [nameParameter],
        responses: { 200: jsonResponse('Already approved (or an open service).', subscription), 202: jsonResponse('Waiting for approval.', subscription), ...errorResponses([401, 403, 404]) },
      },
    },
    '/admin/services/{name}/subscriptions': {
      get: {
        operationId: 'listServiceSubscriptions',
        tags: ['services'],
        summary: 'Requests to use a service, and their answers',
        security: security.operator,
        parameters: [nameParameter],
        responses: { 200: jsonResponse('The subscriptions.', { type: 'object', properties: { data: { type: 'array', items: anyObject } } }), ...errorResponses([401, 403, 404]) },
      },
    },
    '/admin/services/{name}/subscriptions/{tenant}/approve': { post: decision('approve') },
    '/admin/services/{name}/subscriptions/{tenant}/reject': { post: decision('reject') },
    '/admin/targets': {
      get: {
        operationId: 'listTargets',
        tags: ['services'],
        summary: 'Health, breaker, in-flight requests and latency of every REST service target and model group deployment',
        security: security.operator,
        responses: { 200: jsonResponse('Every service and its targets, every model group and its deployments.', targets), ...errorResponses([401, 403]) },
      },
    },
  };
}

const passThroughMethods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** One path per service: `{mount}/{path}`, every method, the service's own answers. */
export function passThroughPaths(services: readonly DocumentedService[]): Paths {
  const paths: Paths = {};
  for (const service of services) {
    const operations: Record<string, unknown> = {};
    for (const method of passThroughMethods) {
      operations[method] = {
        operationId: `proxy_${service.name.replaceAll('-', '_')}_${method}`,
        tags: ['services'],
        summary: `${method.toUpperCase()} on the ${service.name} service (passed through)`,
        description:
          `Forwarded to a healthy target of \`${service.name}\` with the path after \`${service.mount}\`, the query, headers and body as sent ` +
          '(the Tollgate key is never forwarded). The answer is the service’s own; the listed errors are the gateway’s.' +
          (service.access === 'subscription' ? ' Needs an approved subscription (`POST /v1/services/' + service.name + '/subscription`).' : ''),
        security: security.tenant,
        parameters: [pathParameter('path', 'The rest of the path, passed to the service.')],
        ...(method === 'get' || method === 'delete' ? {} : { requestBody: { required: false, content: { '*/*': { schema: {} } } } }),
        responses: { default: { description: 'The service’s own answer.' }, ...errorResponses([401, 403, 413, 429, 502, 503, 504]) },
      };
    }
    paths[`${service.mount}/{path}`] = operations as Paths[string];
  }
  return paths;
}

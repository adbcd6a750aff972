/**
 * @module openapi/paths-admin
 * The admin API's tenants, keys, operators, call log and usage (`admin/tenant-routes.ts`,
 * `admin/ledger-routes.ts`). Reads need a `finance` or `admin` operator key, or the admin key;
 * changes need `admin`.
 */
import { adminErrors, errorResponses, jsonRequestBody, jsonResponse, pathParameter, queryParameter, schemaRef, security } from './openapi-parts.js';
import type { Operation, Paths } from './openapi-types.js';

const tenantId = pathParameter('id', 'The tenant id.');
const keyId = pathParameter('id', 'The key id (`key_...`).');
const usageDimensions = ['day', 'tenant', 'key', 'model', 'prompt', 'kind'];

/** An admin operation: tagged, behind operator keys, with the shared error responses. */
function adminOperation(operation: Operation & { responses: Record<string, unknown> }, ...extraErrors: Parameters<typeof adminErrors>): Operation {
  return {
    tags: ['admin'],
    security: security.operator,
    ...operation,
    responses: { ...operation.responses, ...errorResponses(adminErrors(...extraErrors)) },
  };
}

const instantQuery = (name: string, description: string) =>
  queryParameter(name, `${description} ISO 8601 or epoch milliseconds.`, { type: 'string' });

export function adminPaths(): Paths {
  return {
    '/admin/tenants': {
      get: adminOperation({ operationId: 'listTenants', summary: 'List tenants', responses: { 200: jsonResponse('The tenants.', schemaRef('TenantList')) } }),
      post: adminOperation(
        {
          operationId: 'createTenant',
          summary: 'Create a tenant',
          requestBody: jsonRequestBody(schemaRef('TenantCreate')),
          responses: { 201: jsonResponse('The tenant.', schemaRef('Tenant')) },
        },
        400,
        409,
      ),
    },
    '/admin/tenants/{id}': {
      get: adminOperation(
        { operationId: 'getTenant', summary: 'A tenant with its keys', parameters: [tenantId], responses: { 200: jsonResponse('The tenant.', schemaRef('TenantWithKeys')) } },
        404,
      ),
      patch: adminOperation(
        {
          operationId: 'updateTenant',
          summary: 'Change a tenant',
          parameters: [tenantId],
          requestBody: jsonRequestBody(schemaRef('TenantUpdate')),
          responses: { 200: jsonResponse('The tenant.', schemaRef('Tenant')) },
        },
        400,
        404,
      ),
      delete: adminOperation(
        {
          operationId: 'deleteTenant',
          summary: 'Delete a tenant and its keys',
          description: 'Its ledger rows stay.',
          parameters: [tenantId],
          responses: { 200: jsonResponse('Deleted.', schemaRef('TenantDeleted')) },
        },
        404,
      ),
    },
    '/admin/tenants/{id}/keys': {
      get: adminOperation(
        { operationId: 'listTenantKeys', summary: "List a tenant's keys", parameters: [tenantId], responses: { 200: jsonResponse('The keys.', schemaRef('ApiKeyList')) } },
        404,
      ),
      post: adminOperation(
        {
          operationId: 'createKey',
          summary: 'Create a key for a tenant',
          description: 'The answer holds the key itself, once.',
          parameters: [tenantId],
          requestBody: jsonRequestBody(schemaRef('KeyCreate')),
          responses: { 201: jsonResponse('The key, with `key`.', schemaRef('ApiKeyCreated')) },
        },
        400,
        404,
      ),
    },
    '/admin/keys': {
      get: adminOperation({
        operationId: 'listKeys',
        summary: 'List keys',
        parameters: [queryParameter('tenant', 'Only this tenant\'s keys.')],
        responses: { 200: jsonResponse('The keys.', schemaRef('ApiKeyList')) },
      }),
    },
    '/admin/keys/{id}': {
      delete: adminOperation(
        { operationId: 'deleteKey', summary: 'Revoke a key', parameters: [keyId], responses: { 200: jsonResponse('The revoked key.', schemaRef('ApiKey')) } },
        404,
      ),
    },
    '/admin/keys/{id}/revoke': {
      post: adminOperation(
        { operationId: 'revokeKey', summary: 'Revoke a key', parameters: [keyId], responses: { 200: jsonResponse('The revoked key.', schemaRef('ApiKey')) } },
        404,
      ),
    },
    '/admin/operators': {
      post: adminOperation(
        {
          operationId: 'createOperator',
          summary: 'Create an operator key',
          description: 'The answer holds the key itself, once.',
          requestBody: jsonRequestBody(schemaRef('OperatorCreate')),
          responses: { 201: jsonResponse('The key, with `key`.', schemaRef('ApiKeyCreated')) },
        },
        400,
      ),
    },
    '/admin/calls': {
      get: adminOperation(
        {
          operationId: 'listCalls',
          summary: 'The call log',
          description: 'Ledger rows, newest first, paged with `next_cursor`. A tenant key may read its own tenant\'s calls.',
          parameters: [
            queryParameter('tenant', 'Only this tenant.'),
            queryParameter('key', 'Only this key id.'),
            queryParameter('model', 'Only this public model.'),
            queryParameter('kind', 'Only these route kinds, comma-separated: `chat`, `embeddings`, `prompt`, `proxy` (REST services), `images`, `audio`, `moderations`.'),
            queryParameter('service', 'Only calls to this REST service.'),
            instantQuery('from', 'Inclusive start.'),
            instantQuery('to', 'Exclusive end.'),
            queryParameter('status', 'A status code, `4xx`, `5xx`, `error` (>= 400) or `ok` (< 400).'),
            queryParameter('limit', 'Rows per page.', { type: 'integer', minimum: 1, maximum: 500, default: 50 }),
            queryParameter('cursor', '`next_cursor` of the previous page.'),
          ],
          responses: { 200: jsonResponse('A page of calls.', schemaRef('CallPage')) },
        },
        400,
      ),
    },
    '/admin/usage': {
      get: adminOperation(
        {
          operationId: 'getUsage',
          summary: 'Usage totals',
          description: 'Totals from the daily rollups, grouped by the `group_by` dimensions.',
          parameters: [
            queryParameter('tenant', 'Only this tenant.'),
            queryParameter('key', 'Only this key id.'),
            queryParameter('model', 'Only this public model.'),
            queryParameter('from', 'First UTC day, inclusive.', { type: 'string', format: 'date' }),
            queryParameter('to', 'Last UTC day, inclusive.', { type: 'string', format: 'date' }),
            {
              ...queryParameter('group_by', 'Comma-separated dimensions of each row.', {
                type: 'array',
                items: { type: 'string', enum: usageDimensions },
                default: ['day'],
              }),
              style: 'form',
              explode: false,
            },
          ],
          responses: { 200: jsonResponse('The totals.', schemaRef('UsageReport')) },
        },
        400,
      ),
    },
    '/admin/cache': {
      get: adminOperation({
        operationId: 'getCache',
        summary: 'Response cache',
        description: 'Where the response cache lives, what it holds (in process), and this process\'s hit ratio per model (chat answers) and per service (REST GET answers).',
        responses: { 200: jsonResponse('The cache report.', schemaRef('CacheReport')) },
      }),
    },
  };
}

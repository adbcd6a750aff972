/**
 * @module openapi/paths-reports
 * The finance routes: usage reports, a tenant key's own usage (`src/reports/`). Admin and finance
 * operators see every tenant; a tenant key sees its own.
 */
import { adminErrors, errorResponses, jsonResponse, queryParameter, schemaRef, security } from './openapi-parts.js';
import type { Operation, Paths } from './openapi-types.js';

const readers = [...security.operator, ...security.tenant];

function financeOperation(operation: Operation & { responses: Record<string, unknown> }): Operation {
  return { tags: ['reports'], security: readers, ...operation, responses: { ...operation.responses, ...errorResponses(adminErrors(400)) } };
}

const listQuery = (name: string, description: string) => ({
  ...queryParameter(name, `${description} Repeat the parameter for several values.`, { type: 'array', items: { type: 'string' } }),
  style: 'form',
  explode: true,
});

export const reportRangeParameters = [
  queryParameter('from', 'Start, inclusive: a date (local midnight in `tz`), a local date-time, or an ISO 8601 instant with offset.'),
  queryParameter('to', 'End: a date includes that whole day; a time is exclusive.'),
  queryParameter('tz', 'IANA time zone for dates and calendar periods.', { type: 'string', default: 'UTC' }),
];

export const reportFilterParameters = [
  listQuery('tenant', 'Only these tenants (a tenant key: its own only).'),
  listQuery('key', 'Only these key ids.'),
  listQuery('model', 'Only these public models.'),
  listQuery('provider', 'Only these providers.'),
  listQuery('prompt', 'Only these prompts (`name@version`).'),
  listQuery('service', 'Only these REST services.'),
  listQuery('kind', 'Only these kinds of call (chat, embeddings, prompt, proxy).'),
  listQuery('end_user', 'Only these end users.'),
  listQuery('tag', 'Only calls carrying this tag, `key=value`; repeat: all must match.'),
];

export function reportPaths(): Paths {
  return {
    '/admin/reports/usage': {
      get: financeOperation({
        operationId: 'getUsageReport',
        summary: 'Usage and cost report',
        description:
          'From the hourly rollups, never the raw ledger. JSON, or RFC 4180 CSV (`format=csv` or `Accept: text/csv`) that streams.',
        parameters: [
          {
            ...queryParameter('groupBy', 'Comma-separated dimensions: any of tenant, key, model, provider, prompt, service, kind, end_user, tag, and one of hour, day, week, month.', {
              type: 'string',
            }),
          },
          ...reportRangeParameters,
          ...reportFilterParameters,
          queryParameter('format', 'json (default) or csv.', { type: 'string', enum: ['json', 'csv'] }),
        ],
        responses: {
          200: {
            ...jsonResponse('The report.', schemaRef('UsageReportResponse')),
            content: {
              'application/json': { schema: schemaRef('UsageReportResponse') },
              'text/csv': { schema: { type: 'string', description: 'A header row, then one record per row; CRLF line ends.' } },
            },
          },
        },
      }),
    },
    '/admin/reports/trends': {
      get: financeOperation({
        operationId: 'getTrendsReport',
        summary: 'Performance trends: requests, error rates, latency and time-to-first-token percentiles',
        description: 'From the hourly latency histograms. Default grouping `provider,day`, default range the last 30 days.',
        parameters: [
          queryParameter('groupBy', 'Comma-separated: any of tenant, model, provider, service, kind, and one of hour, day, week, month.'),
          ...reportRangeParameters,
          ...reportFilterParameters.filter((parameter) => ['tenant', 'model', 'provider', 'service', 'kind'].includes(parameter.name)),
          queryParameter('format', 'json (default) or csv.', { type: 'string', enum: ['json', 'csv'] }),
        ],
        responses: {
          200: {
            ...jsonResponse('The trends.', schemaRef('TrendsReportResponse')),
            content: { 'application/json': { schema: schemaRef('TrendsReportResponse') }, 'text/csv': { schema: { type: 'string' } } },
          },
        },
      }),
    },
    '/admin/budgets': {
      get: financeOperation({
        operationId: 'listBudgets',
        summary: 'Budgets: spent this period against every day and month quota, with burn rate, projection and run-out date',
        description: 'Soonest to run out first.',
        parameters: [queryParameter('tenant', 'Only this tenant (repeatable).'), queryParameter('key', 'Only this key id.')],
        responses: { 200: jsonResponse('The budgets.', schemaRef('BudgetList')), ...errorResponses([404]) },
      }),
    },
    '/admin/alerts': {
      get: financeOperation({
        operationId: 'listAlerts',
        summary: 'Alerts raised (budget thresholds, spend spikes) and their webhook delivery',
        parameters: [
          queryParameter('tenant', 'Only this tenant (repeatable).'),
          queryParameter('kind', 'budget_threshold or spend_spike.', { type: 'string', enum: ['budget_threshold', 'spend_spike'] }),
          queryParameter('status', 'pending, delivered, failed or recorded.', { type: 'string', enum: ['pending', 'delivered', 'failed', 'recorded'] }),
          queryParameter('from', 'Raised at or after; ISO 8601 or epoch ms.'),
          queryParameter('to', 'Raised before.'),
          queryParameter('limit', 'Rows per page.', { type: 'integer', minimum: 1, maximum: 500, default: 50 }),
          queryParameter('cursor', '`next_cursor` of the previous page.'),
        ],
        responses: { 200: jsonResponse('A page of alerts, newest first.', schemaRef('AlertPage')) },
      }),
    },
    '/dashboard': {
      get: {
        operationId: 'getDashboard',
        tags: ['reports'],
        summary: 'The finance dashboard (a page; sign in on it with a key)',
        security: security.none,
        responses: {
          200: { description: 'An HTML page.', content: { 'text/html': { schema: { type: 'string' } } } },
          503: { description: 'The dashboard is not built (`npm run build`).', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      },
    },
    '/dashboard/assets/{file}': {
      get: {
        operationId: 'getDashboardAsset',
        tags: ['reports'],
        summary: 'A built file of the dashboard (content-hashed name, cached for a year)',
        security: security.none,
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'The file.', content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } }, ...errorResponses([404]) },
      },
    },
    '/dashboard/session': {
      post: {
        operationId: 'signInToDashboard',
        tags: ['reports'],
        summary: 'Sign in to the dashboard with a key; sets the HttpOnly session cookie',
        security: security.none,
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } } } } },
        responses: { 200: jsonResponse('Who signed in (the cookie is in `set-cookie`).', schemaRef('DashboardSession')), ...errorResponses([400, 401]) },
      },
      get: {
        operationId: 'getDashboardSession',
        tags: ['reports'],
        summary: 'Who the session cookie belongs to',
        security: security.none,
        responses: { 200: jsonResponse('The session.', schemaRef('DashboardSession')), ...errorResponses([401]) },
      },
      delete: {
        operationId: 'signOutOfDashboard',
        tags: ['reports'],
        summary: 'Sign out: ends the session and clears the cookie',
        security: security.none,
        responses: { 200: jsonResponse('Signed out.', { type: 'object', properties: { signed_out: { type: 'boolean' } } }) },
      },
    },
    '/v1/usage': {
      get: {
        operationId: 'getOwnUsage',
        tags: ['reports'],
        summary: "A tenant key's spend and what is left of every quota window",
        security: security.tenant,
        responses: { 200: jsonResponse('Spend today and this month, and every quota window.', schemaRef('TenantUsage')), ...errorResponses([401, 403, 500]) },
      },
    },
  };
}

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

/**
 * @module openapi/schemas-reports
 * Schemas of the finance routes: usage reports, performance trends, budgets, alerts and a tenant
 * key's own usage (`src/reports/`, `src/alerts/`). Money is always an exact decimal string.
 */
import { orNull, schemaRef } from './openapi-parts.js';
import type { JsonSchema } from './openapi-types.js';

const count: JsonSchema = { type: 'integer', minimum: 0 };
const usd: JsonSchema = { type: 'string', pattern: '^-?\\d+\\.\\d{9}$', description: 'Exact USD, nine decimals.' };
const label: JsonSchema = { type: ['string', 'null'] };

const usageFigures: Record<string, JsonSchema> = {
  requests: count,
  errors: { ...count, description: 'Calls answered with a status of 400 or more.' },
  input_tokens: count,
  cached_input_tokens: count,
  cache_write_tokens: count,
  output_tokens: count,
  reasoning_tokens: count,
  cost_usd: usd,
  cost_nano_usd: { type: 'string', pattern: '^\\d+$', description: 'The cost in integer nano-USD.' },
  estimated_cost_usd: { ...usd, description: 'The part of `cost_usd` whose tokens Tollgate counted itself (the provider reported none).' },
  unpriced_requests: { ...count, description: 'Calls to models without a price: in no cost figure.' },
  estimated_requests: count,
};
const figureNames = Object.keys(usageFigures);

export function reportSchemas(): Record<string, JsonSchema> {
  return {
    UsageFigures: { type: 'object', required: figureNames, properties: usageFigures },
    UsageReportRow: {
      type: 'object',
      description: 'One combination of the `groupBy` dimensions (only those fields are present) and its figures.',
      required: figureNames,
      properties: {
        hour: { type: 'string', description: 'Local start of the hour with its offset, e.g. `2026-07-01T14:00:00+02:00`.' },
        day: { type: 'string', format: 'date' },
        week: { type: 'string', format: 'date', description: 'The Monday that starts the ISO week.' },
        month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' },
        tenant: label,
        key: label,
        model: label,
        provider: label,
        prompt: { ...label, description: '`name@version` for prompt API calls.' },
        service: label,
        kind: label,
        end_user: label,
        tag: { ...label, description: '`key=value`; null for calls without tags.' },
        ...usageFigures,
      },
    },
    UsageReportResponse: {
      type: 'object',
      required: ['object', 'from', 'to', 'tz', 'group_by', 'alignment', 'rollup', 'totals', 'data'],
      properties: {
        object: { type: 'string', const: 'usage_report' },
        from: orNull({ type: 'string', format: 'date-time' }),
        to: orNull({ type: 'string', format: 'date-time' }),
        tz: { type: 'string' },
        group_by: { type: 'array', items: { type: 'string' } },
        alignment: {
          type: 'string',
          enum: ['exact', 'hour'],
          description: '`hour` when the zone is offset by 30 or 45 minutes: periods then start at the first whole UTC hour after local midnight.',
        },
        rollup: { type: 'string', description: 'The rollup table that answered.' },
        totals: schemaRef('UsageFigures'),
        data: { type: 'array', items: schemaRef('UsageReportRow') },
      },
    },
    TrendRow: {
      type: 'object',
      description: 'One combination of the `groupBy` dimensions. Percentiles are exact to their histogram bucket; null when nothing was counted.',
      required: ['requests', 'errors', 'error_rate', 'server_errors', 'server_error_rate'],
      properties: {
        hour: { type: 'string' },
        day: { type: 'string', format: 'date' },
        week: { type: 'string', format: 'date' },
        month: { type: 'string' },
        tenant: label,
        model: label,
        provider: label,
        service: label,
        kind: label,
        requests: count,
        errors: count,
        error_rate: orNull({ type: 'number', minimum: 0, maximum: 1 }),
        server_errors: { ...count, description: 'Calls answered 5xx.' },
        server_error_rate: orNull({ type: 'number', minimum: 0, maximum: 1 }),
        latency_avg_ms: orNull({ type: 'integer' }),
        latency_p50_ms: orNull({ type: 'integer', description: 'Successful calls only.' }),
        latency_p95_ms: orNull({ type: 'integer' }),
        ttft_avg_ms: orNull({ type: 'integer' }),
        ttft_p50_ms: orNull({ type: 'integer', description: 'Time to first token of streamed calls.' }),
        ttft_p95_ms: orNull({ type: 'integer' }),
      },
    },
    TrendsReportResponse: {
      type: 'object',
      required: ['object', 'from', 'to', 'tz', 'group_by', 'alignment', 'totals', 'data'],
      properties: {
        object: { type: 'string', const: 'trends_report' },
        from: { type: 'string', format: 'date-time' },
        to: { type: 'string', format: 'date-time' },
        tz: { type: 'string' },
        group_by: { type: 'array', items: { type: 'string' } },
        alignment: { type: 'string', enum: ['exact', 'hour'] },
        totals: schemaRef('TrendRow'),
        data: { type: 'array', items: schemaRef('TrendRow') },
      },
    },
    Budget: {
      type: 'object',
      description: 'A day or month budget (money or tokens) of a tenant or key, this period, in the tenant\'s time zone.',
      required: ['scope', 'tenant', 'key', 'metric', 'window', 'period', 'period_start', 'period_end', 'limit', 'spent', 'remaining', 'percent_used', 'burn_rate_per_day', 'projected', 'runs_out_at', 'exhausted'],
      properties: {
        scope: { type: 'string', enum: ['tenant', 'key'] },
        tenant: { type: 'string' },
        key: label,
        key_name: label,
        metric: { type: 'string', enum: ['cost_usd', 'tokens'] },
        window: { type: 'string', enum: ['day', 'month'] },
        period: { type: 'string', description: 'e.g. `M:2026-07` or `d:2026-07-14`.' },
        period_start: { type: 'string', format: 'date-time' },
        period_end: { type: 'string', format: 'date-time' },
        time_zone: { type: 'string' },
        limit: { type: ['string', 'integer'], description: 'Decimal USD for `cost_usd`, an integer for `tokens` (so are the other amounts).' },
        spent: { type: ['string', 'integer'] },
        remaining: { type: ['string', 'integer'] },
        percent_used: { type: 'number' },
        burn_rate_per_day: { type: ['string', 'integer'], description: 'Spent so far divided by the time elapsed in the period (at least an hour).' },
        projected: { type: ['string', 'integer'], description: 'Spend at the end of the period at that rate.' },
        projected_percent: { type: 'number' },
        runs_out_at: orNull({ type: 'string', format: 'date-time', description: 'When the limit is reached at this rate, if within this period.' }),
        exhausted: { type: 'boolean' },
      },
    },
    BudgetList: {
      type: 'object',
      required: ['object', 'generated_at', 'data'],
      properties: { object: { type: 'string', const: 'list' }, generated_at: { type: 'string', format: 'date-time' }, data: { type: 'array', items: schemaRef('Budget') } },
    },
    Alert: {
      type: 'object',
      required: ['id', 'kind', 'tenant', 'key', 'created_at', 'message', 'status', 'attempts', 'payload'],
      properties: {
        id: { type: 'string' },
        kind: { type: 'string', enum: ['budget_threshold', 'spend_spike'] },
        tenant: { type: 'string' },
        key: label,
        created_at: { type: 'string', format: 'date-time' },
        message: label,
        status: { type: 'string', enum: ['pending', 'delivered', 'failed', 'recorded'], description: '`recorded`: no webhook is configured.' },
        attempts: count,
        next_attempt_at: orNull({ type: 'string', format: 'date-time' }),
        delivered_at: orNull({ type: 'string', format: 'date-time' }),
        last_error: label,
        payload: { type: 'object', description: 'The webhook body, as sent.' },
      },
    },
    AlertPage: {
      type: 'object',
      required: ['object', 'data', 'next_cursor'],
      properties: { object: { type: 'string', const: 'list' }, data: { type: 'array', items: schemaRef('Alert') }, next_cursor: orNull({ type: 'string' }) },
    },
    DashboardSession: {
      type: 'object',
      required: ['role', 'tenant', 'key_name', 'time_zone'],
      properties: {
        role: { type: 'string', enum: ['admin', 'finance', 'tenant'] },
        tenant: label,
        key_name: { type: 'string' },
        time_zone: { type: 'string' },
      },
    },
    SpendPeriod: {
      allOf: [schemaRef('UsageFigures'), { type: 'object', required: ['from', 'to'], properties: { from: { type: 'string' }, to: { type: 'string' } } }],
    },
    QuotaWindowState: {
      type: 'object',
      required: ['scope', 'metric', 'window', 'window_id', 'resets_at', 'limit', 'used', 'remaining'],
      properties: {
        scope: { type: 'string', enum: ['tenant', 'key'] },
        metric: { type: 'string', enum: ['cost_usd', 'tokens', 'requests', 'concurrent_requests'] },
        window: { type: 'string', enum: ['minute', 'day', 'month', 'concurrency'] },
        window_id: { type: 'string' },
        resets_at: orNull({ type: 'string', format: 'date-time' }),
        limit: { type: ['string', 'integer'], description: 'A decimal USD string for `cost_usd`, else an integer.' },
        used: { type: ['string', 'integer'] },
        remaining: { type: ['string', 'integer'] },
      },
    },
    TenantUsage: {
      type: 'object',
      required: ['object', 'tenant', 'key', 'time_zone', 'spend', 'key_spend', 'quotas'],
      properties: {
        object: { type: 'string', const: 'usage' },
        tenant: { type: 'string' },
        key: { type: 'string' },
        time_zone: { type: 'string' },
        spend: { type: 'object', properties: { today: schemaRef('SpendPeriod'), this_month: schemaRef('SpendPeriod') } },
        key_spend: { type: 'object', properties: { today: schemaRef('SpendPeriod'), this_month: schemaRef('SpendPeriod') } },
        quotas: { type: 'array', items: schemaRef('QuotaWindowState') },
      },
    },
  };
}

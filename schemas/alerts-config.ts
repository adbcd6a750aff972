/**
 * @module schemas/alerts-config
 * The `alerts` section of the configuration file: budget thresholds, the spend-spike rule, the
 * webhook (HMAC-SHA256 signed) and its retries. Strict like the rest of the file.
 */
import { z } from 'zod';
import { usdToNano } from '../src/metering/decimal.js';

const usdAmount = z
  .union([z.number().min(0), z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal number of USD')])
  .refine((value) => {
    try {
      usdToNano(value);
      return true;
    } catch {
      return false;
    }
  }, 'must be a USD amount with at most 9 decimals');

export const spikeSchema = z.strictObject({
  /** Alert when this hour's spend is above `factor` times the tenant's average hourly spend... */
  factor: z.number().min(1.1).max(1_000).default(3),
  /** ...over this many hours before it... */
  baselineHours: z.number().int().min(24).max(24 * 90).default(168),
  /** ...and at least this much (USD), so a tenant that barely spends is not paged for cents. */
  minSpendUsd: usdAmount.default('1'),
});

export const webhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Signs each delivery (HMAC-SHA256); receivers verify with it. */
  secret: z.string().min(16, 'webhook secrets must be at least 16 characters'),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
});

export const alertsSchema = z.strictObject({
  /** Percent of each day and month budget (money and tokens) at which to alert, once per period. */
  thresholds: z
    .array(z.number().int().min(1).max(1_000))
    .max(10)
    .default([50, 80, 100])
    .refine((values) => new Set(values).size === values.length, 'thresholds must be distinct'),
  /** A tenant's hourly spend far above its own baseline; `false` turns it off. */
  spike: z.union([z.literal(false), spikeSchema]).default(spikeSchema.parse({})),
  /** How often budgets and spend are checked. */
  checkIntervalMs: z.number().int().min(100).max(3_600_000).default(60_000),
  /** Where alerts are sent; without it they are only recorded (`GET /admin/alerts`). */
  webhook: webhookSchema.optional(),
  /** Failed deliveries are retried with exponential backoff (doubling from `initialDelayMs`, at most `maxDelayMs`). */
  retry: z
    .strictObject({
      attempts: z.number().int().min(1).max(20).default(8),
      initialDelayMs: z.number().int().min(10).max(3_600_000).default(1_000),
      maxDelayMs: z.number().int().min(10).max(86_400_000).default(300_000),
    })
    .default({ attempts: 8, initialDelayMs: 1_000, maxDelayMs: 300_000 }),
});

export type AlertsConfig = z.infer<typeof alertsSchema>;
export type SpikeConfig = z.infer<typeof spikeSchema>;

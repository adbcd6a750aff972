/**
 * @module schemas/observability-config
 * The configuration of what an operator watches: `metrics` (Prometheus), `logs` (levels, the
 * access log, body capture) and `health` (what `/readyz` holds against). Tracing is configured
 * with the standard `OTEL_*` environment variables instead (see src/observability/tracing/).
 * Strict like the rest of the file: an unknown key is an error.
 */
import { z } from 'zod';

const tenantIdList = z.array(z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'tenant ids use letters, digits, _ . - (at most 64)'));

export const metricsConfigSchema = z.strictObject({
  /** Serve `GET /metrics` (Prometheus text format). */
  enabled: z.boolean().default(true),
  /** The path on the gateway's port (or on `port`). */
  path: z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'must be a path such as /metrics').default('/metrics'),
  /** A separate listener for the metrics (then the gateway's own port does not serve them). */
  port: z.number().int().min(0).max(65_535).optional(),
  /** Interface of the separate listener. */
  host: z.string().default('127.0.0.1'),
  /**
   * A `tenant` label on per-call metrics: false (none, the default), true (every tenant, up to
   * `maxTenants`, the rest as `other`), or a list of tenant ids (the rest as `other`).
   */
  tenantLabel: z.union([z.boolean(), tenantIdList]).default(false),
  /** The most distinct tenant label values when `tenantLabel` is true; later tenants are `other`. */
  maxTenants: z.number().int().min(1).max(10_000).default(100),
});

export const accessLogSchema = z.strictObject({
  /** One JSON line per call. */
  enabled: z.boolean().default(true),
  /** `stdout`, `stderr`, or a file path (appended to). */
  destination: z.string().min(1).default('stdout'),
  /** Share of successful calls (status < 400) logged, 0 to 1; failures are always logged. */
  sampleSuccesses: z.number().min(0).max(1).default(1),
});

export const bodyCaptureSchema = z.strictObject({
  /** Off by default: request and response bodies hold whatever the callers send. */
  enabled: z.boolean().default(false),
  /** The tenants whose bodies are captured (a tenant with `allowBodyCapture: false` never is). */
  tenants: tenantIdList.default([]),
  /** Each body is cut to this many bytes. */
  maxBytes: z.number().int().min(1).max(1_048_576).default(8_192),
  /** Regular expressions (JavaScript syntax); every match is replaced by `[redacted]`. */
  redact: z
    .array(
      z.string().refine((pattern) => {
        try {
          new RegExp(pattern, 'g');
          return true;
        } catch {
          return false;
        }
      }, 'must be a valid regular expression'),
    )
    .default([]),
});

export const logsConfigSchema = z.strictObject({
  /** The least severe level written (`TOLLGATE_LOG_LEVEL` overrides it). */
  level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  access: accessLogSchema.default(accessLogSchema.parse({})),
  bodyCapture: bodyCaptureSchema.default(bodyCaptureSchema.parse({})),
});

export const healthConfigSchema = z.strictObject({
  /** `/readyz` answers 503 while more ledger rows than this wait to be written. */
  maxLedgerBacklog: z.number().int().min(1).default(50_000),
  /** How long a readiness probe waits for Redis or the database. */
  probeTimeoutMs: z.number().int().min(10).max(30_000).default(1_000),
});

export type MetricsConfig = z.infer<typeof metricsConfigSchema>;
export type LogsConfig = z.infer<typeof logsConfigSchema>;
export type BodyCaptureConfig = z.infer<typeof bodyCaptureSchema>;
export type HealthConfig = z.infer<typeof healthConfigSchema>;

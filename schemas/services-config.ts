/**
 * @module schemas/services-config
 * `services:` — REST services Tollgate proxies at a mount path, with the resilience settings of
 * their pool of targets (docs/router.md). Strict like the rest of the file: an unknown key is an
 * error. Names, mounts and rewrites are bounded; every number has a ceiling.
 */
import { z } from 'zod';
import { hasNestedQuantifier } from '../src/prompts/nested-quantifiers.js';
import { balanceSchema } from './balance.js';
import { maxQuotaCount } from './limits.js';

/** Paths the gateway answers itself: a mount may not shadow them. */
export const reservedMountPrefixes = ['/v1', '/v1beta', '/admin', '/dashboard', '/docs', '/openapi.json', '/metrics', '/healthz', '/readyz', '/livez'];

const hour = 3_600_000;
const milliseconds = (max: number) => z.number().int().positive().max(max);
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'must be an HTTP header name');

const mount = z
  .string()
  .max(200)
  .regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'must be a path such as /proxy/billing (letters, digits, . _ ~ -; no trailing slash)')
  .refine(
    (path) => !reservedMountPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)),
    `may not be under a path Tollgate answers itself (${reservedMountPrefixes.join(', ')})`,
  );

const targetUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .refine((url) => !/[?#]/.test(url), 'may not carry a query or fragment')
  .transform((url) => url.replace(/\/+$/, ''));

const rewritePattern = z
  .string()
  .min(1)
  .max(200)
  .refine((pattern) => {
    try {
      new RegExp(pattern);
      return true;
    } catch {
      return false;
    }
  }, 'must be a valid regular expression')
  .refine((pattern) => !hasNestedQuantifier(pattern), 'nests repetitions, which can take exponential time on a hostile path');

export const serviceSchema = z
  .strictObject({
    /** Every method and sub-path under this path is proxied. */
    mount,
    targets: z
      .array(z.strictObject({ url: targetUrl, weight: z.number().int().min(1).max(1000).optional() }))
      .min(1)
      .max(64),
    balance: balanceSchema.default('round-robin'),
    healthCheck: z
      .strictObject({
        path: z.string().regex(/^\/[^\s]{0,199}$/, 'must be a path starting with /'),
        intervalMs: z.number().int().min(100).max(hour).default(5000),
        timeoutMs: milliseconds(60_000).optional(),
        unhealthyAfter: z.number().int().min(1).max(100).default(2),
        healthyAfter: z.number().int().min(1).max(100).default(2),
      })
      .optional(),
    /** Retries after the first attempt: idempotent methods, or any with `Idempotency-Key`. */
    retries: z
      .strictObject({
        attempts: z.number().int().min(0).max(10).default(1),
        baseBackoffMs: milliseconds(60_000).default(25),
        maxBackoffMs: milliseconds(60_000).default(1000),
      })
      .default({ attempts: 1, baseBackoffMs: 25, maxBackoffMs: 1000 }),
    /** Per target: opens at `failureRatio` of at least `minRequests` attempts in `windowMs` (docs/router.md). */
    breaker: z
      .strictObject({
        failureRatio: z.number().gt(0).max(1).optional(),
        minRequests: z.number().int().min(1).max(1_000_000).optional(),
        windowMs: z.number().int().min(100).max(hour).optional(),
        openMs: z.number().int().min(10).max(hour).optional(),
        trialRequests: z.number().int().min(1).max(100).optional(),
      })
      .default({}),
    /** Passive ejection: `consecutiveFailures` in a row take a target out for `ejectionMs` (growing on repeats). */
    outlier: z
      .strictObject({
        consecutiveFailures: z.number().int().min(1).max(1_000_000).optional(),
        ejectionMs: z.number().int().min(10).max(hour).optional(),
        maxEjectedRatio: z.number().min(0).max(1).optional(),
      })
      .default({}),
    timeouts: z
      .strictObject({
        connectMs: milliseconds(60_000).default(5000),
        firstByteMs: milliseconds(hour).default(30_000),
        totalMs: milliseconds(24 * hour).optional(),
        idleMs: milliseconds(hour).optional(),
      })
      .default({ connectMs: 5000, firstByteMs: 30_000 }),
    /** Drop the mount from the forwarded path: `/proxy/billing/invoices` → `/invoices`. */
    stripPrefix: z.boolean().default(false),
    /** Regular expression → replacement (`$1`), tried in order on the path after the mount; the first match wins. */
    rewrite: z.record(rewritePattern, z.string().max(400)).optional(),
    headers: z
      .strictObject({
        /** Set on every forwarded request (`${ENV}` expanded at load); values are secrets, never logged. */
        set: z.record(headerName, z.string().max(8192)).default({}),
        remove: z.array(headerName).max(100).default([]),
      })
      .default({ set: {}, remove: [] }),
    /** `open`: any key whose tenant and key scopes allow the service. `subscription`: also an approved request. */
    access: z.enum(['open', 'subscription']).default('open'),
    /** Limits on the whole service, over every tenant, on top of each tenant's and key's quotas. */
    quotas: z
      .strictObject({
        requestsPerMinute: z.number().int().positive().max(maxQuotaCount).optional(),
        concurrentRequests: z.number().int().positive().max(maxQuotaCount).optional(),
      })
      .default({}),
    /** Keep GET answers the service marks cacheable (Cache-Control max-age/s-maxage, Vary, ETag; see src/cache/http-cache.ts), per tenant. */
    cache: z.boolean().default(false),
    /** Request bodies larger than this are refused (413) and the upstream request aborted. */
    maxRequestBytes: z.number().int().positive().max(64 * 1024 ** 3).default(1024 ** 3),
  })
  .superRefine((service, context) => {
    if (service.stripPrefix && service.rewrite) {
      context.addIssue({ code: 'custom', message: 'give `stripPrefix` or `rewrite`, not both', path: ['rewrite'] });
    }
    if (service.rewrite && Object.keys(service.rewrite).length > 20) {
      context.addIssue({ code: 'custom', message: 'at most 20 rewrite rules', path: ['rewrite'] });
    }
  });

/** What a service may be called; the calls API's `service=` filter checks the same. */
export const serviceNamePattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const servicesSchema = z
  .record(z.string().regex(serviceNamePattern, 'service names use lowercase letters, digits, _ and - (at most 64)'), serviceSchema)
  .default({})
  .superRefine((services, context) => {
    const mounts = new Map<string, string>();
    for (const [name, service] of Object.entries(services)) {
      for (const [otherMount, other] of mounts) {
        if (service.mount === otherMount || service.mount.startsWith(`${otherMount}/`) || otherMount.startsWith(`${service.mount}/`)) {
          context.addIssue({ code: 'custom', message: `mount ${service.mount} overlaps ${other}'s ${otherMount}`, path: [name, 'mount'] });
        }
      }
      mounts.set(service.mount, name);
    }
  });

export type ServiceConfig = z.infer<typeof serviceSchema>;

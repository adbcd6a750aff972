/**
 * @module quotas/types
 * The contract of quota enforcement. `QuotaService` (quota-service.ts) turns a tenant's and a key's
 * limits into counters over time windows and reserves a request's worst case on all of them in one
 * atomic step, through a `QuotaBackend`: in-process (the embedded default) or Redis (Lua scripts).
 */

/** Limits in enforcement units: money is integer nano-dollars. Absent means unlimited. */
export interface QuotaLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  tokensPerDay?: number;
  costPerDayNanoUsd?: number;
  costPerMonthNanoUsd?: number;
  concurrentRequests?: number;
}

/** Who a call is charged to. Key limits apply on top of the tenant's. */
export interface QuotaSubject {
  tenantId: string;
  keyId: string;
  tenantLimits: QuotaLimits;
  keyLimits: QuotaLimits;
  /** A proxied REST service's own limits (requests per minute, concurrency), over every tenant. */
  service?: { name: string; limits: QuotaLimits };
  /** IANA zone for calendar windows (day, month). */
  timeZone: string;
}

/** A request's worst case, reserved before the upstream call. */
export interface QuotaDemand {
  tokens: number;
  costNanoUsd: number;
}

/** What the call really used, known after it. */
export interface QuotaActual {
  tokens: number;
  costNanoUsd: number;
}

export interface Reservation {
  /** `x-ratelimit-*` headers describing the tightest request and token windows (empty when unlimited). */
  headers: Record<string, string>;
  /** Replaces the reserved worst case with the actual figures and frees the concurrency slot. Idempotent with `release`. */
  settle(actual: QuotaActual): Promise<void>;
  /** Gives back the whole reservation (the call failed before using anything). */
  release(): Promise<void>;
}

/** One counter touched by a reservation. */
export interface QuotaCounter {
  key: string;
  /** The counter may not exceed this after adding `amount`; null only counts. */
  limit: number | null;
  amount: number;
  /** The counter expires this long after it is first created (the end of its window, plus slack). */
  ttlMs: number;
  /**
   * Other keys whose values count towards this counter's limit (not incremented). Concurrency uses
   * it: slots live in 10-minute buckets and the check adds the previous bucket, so a slot leaked by
   * a crashed process stops counting after 10 to 20 minutes, while a live request's slot counts for
   * at least 10 minutes and is freed from the very key it was taken in.
   */
  countAlso?: string[];
}

/**
 * `values[i]`: counter i after the reservation (including its `countAlso` keys). On refusal,
 * `current` is what the failed counter held, and `values` (when the backend provides it) holds every
 * counter's value, none incremented — enough for the 429's `x-ratelimit-*` headers without a second trip.
 */
export type ReserveOutcome =
  | { ok: true; values: number[] }
  | { ok: false; failedIndex: number; current: number; values?: number[] };

export interface QuotaBackend {
  /** All-or-nothing: either every counter is incremented, or none is and the first that would overflow is named. */
  reserve(counters: QuotaCounter[]): Promise<ReserveOutcome>;
  /** Adds `delta` (often negative) to counters that still exist; a counter whose window ended is left alone. */
  adjust(adjustments: Array<{ key: string; delta: number }>): Promise<void>;
  /** Current values, null for a counter that does not exist (never created, or expired). */
  read(keys: string[]): Promise<Array<number | null>>;
  /**
   * For backends that can be unreachable (Redis): tries to reach the store now and says why it
   * could not (undefined when it answered). In-process backends leave it out: always reachable.
   */
  probe?(): Promise<string | undefined>;
  close(): Promise<void>;
}

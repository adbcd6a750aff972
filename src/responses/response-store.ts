/**
 * @module responses/response-store
 * Responses kept for `previous_response_id` and `GET`/`DELETE /v1/responses/{id}`, per tenant: a
 * tenant sees only its own. Each entry holds the Response object the client got and the
 * conversation that led to it (as canonical chat messages), so a follow-up can be answered by any
 * model. Bounded: entries expire after `ttlSeconds`, and per tenant the oldest go first beyond
 * `maxEntriesPerTenant` or `maxBytesPerTenant`. Kept in process memory (one store per gateway
 * process; expired entries are dropped as the store is used, without timers).
 */
import type { ChatMessage } from '../../schemas/openai-chat.js';
import type { TollgateConfig } from '../../schemas/config.js';

export interface StoredResponse {
  id: string;
  /** The Response object as the client got it. */
  response: Record<string, unknown>;
  /** The conversation up to and including this response's output (instructions excluded, as at OpenAI). */
  conversation: ChatMessage[];
}

interface Entry extends StoredResponse {
  expiresAt: number;
  bytes: number;
}

type Limits = TollgateConfig['responses'];

export class ResponseStore {
  private readonly tenants = new Map<string, { entries: Map<string, Entry>; bytes: number }>();

  constructor(private readonly limits: Limits) {}

  put(tenantId: string, stored: StoredResponse, now = Date.now()): void {
    const bytes = JSON.stringify(stored.response).length + JSON.stringify(stored.conversation).length;
    // One response larger than the tenant's whole allowance is not kept at all.
    if (bytes > this.limits.maxBytesPerTenant) return;
    const tenant = this.tenantFor(tenantId);
    this.remove(tenant, stored.id);
    tenant.entries.set(stored.id, { ...stored, bytes, expiresAt: now + this.limits.ttlSeconds * 1000 });
    tenant.bytes += bytes;
    this.evict(tenant, now);
  }

  get(tenantId: string, id: string, now = Date.now()): StoredResponse | undefined {
    const tenant = this.tenants.get(tenantId);
    const entry = tenant?.entries.get(id);
    if (!tenant || !entry) return undefined;
    if (entry.expiresAt <= now) {
      this.remove(tenant, id);
      return undefined;
    }
    return entry;
  }

  delete(tenantId: string, id: string): boolean {
    const tenant = this.tenants.get(tenantId);
    return tenant ? this.remove(tenant, id) : false;
  }

  private tenantFor(tenantId: string) {
    let tenant = this.tenants.get(tenantId);
    if (!tenant) {
      tenant = { entries: new Map(), bytes: 0 };
      this.tenants.set(tenantId, tenant);
    }
    return tenant;
  }

  /** Expired entries first, then the oldest (a Map keeps insertion order) until within the limits. */
  private evict(tenant: { entries: Map<string, Entry>; bytes: number }, now: number): void {
    for (const [id, entry] of tenant.entries) {
      const over = tenant.entries.size > this.limits.maxEntriesPerTenant || tenant.bytes > this.limits.maxBytesPerTenant;
      if (!over && entry.expiresAt > now) break;
      this.remove(tenant, id);
    }
  }

  private remove(tenant: { entries: Map<string, Entry>; bytes: number }, id: string): boolean {
    const entry = tenant.entries.get(id);
    if (!entry) return false;
    tenant.entries.delete(id);
    tenant.bytes -= entry.bytes;
    return true;
  }
}

const stores = new WeakMap<object, ResponseStore>();

/** The store of one running gateway (keyed by its configuration object, created on first use). */
export function responseStoreFor(config: TollgateConfig): ResponseStore {
  let store = stores.get(config);
  if (!store) {
    store = new ResponseStore(config.responses);
    stores.set(config, store);
  }
  return store;
}

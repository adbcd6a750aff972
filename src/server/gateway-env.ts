/**
 * @module server/gateway-env
 * The typed context every route sees: the request id, the authenticated caller, and the gateway's
 * shared services. Routes read them with `context.get(name)`, not `context.var.name`: Hono's `var`
 * getter builds a new object from every variable on each access, which was 2% of the CPU profile
 * at saturation.
 */
import type { TollgateConfig } from '../../schemas/config.js';
import type { Caller } from '../auth/authenticate.js';
import type { KeyDirectory as KeyStore } from '../auth/key-directory.js';
import type { MeteringServices } from '../calls/metering-services.js';
import type { ModelRegistry } from '../models/model-registry.js';
import type { Observability } from '../observability/observability.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { Readiness } from '../observability/health/readiness.js';
import type { Subscriptions } from '../prompt-api/subscriptions.js';
import type { PromptLibrary } from '../prompts/prompt-library.js';
import type { TollgateDatabase } from '../storage/database.js';
import type { PostgresDatabase } from '../storage/pg/postgres-database.js';
import type { ControlSql } from '../storage/control-sql.js';
import type { SqlReader } from '../storage/sql-reader.js';
import type { ErrorBodyWriter } from '../errors/render-error.js';
import type { IdempotencyGate } from '../idempotency/index.js';
import type { Caches } from '../cache/index.js';
import type { ServiceRegistry } from '../proxy/service-registry.js';

export interface Lifecycle {
  ready: boolean;
  /** Shutdown has begun. */
  draining?: boolean;
}

export interface GatewayServices {
  config: TollgateConfig;
  models: ModelRegistry;
  lifecycle: Lifecycle;
  /** The instance's own SQLite file: the whole store without `storage.postgres`. */
  database: TollgateDatabase;
  /** `storage.postgres`: the ledger and the control plane (tenants, keys, prices, prompts...) shared by every instance. */
  postgres?: PostgresDatabase;
  /** The control-plane records queried rather than held in memory (alerts, dashboard sessions), in whichever database holds them. */
  controlSql: ControlSql;
  /** Where the ledger, its rollups and the reports are read: SQLite, or PostgreSQL when configured. */
  ledgerReader: SqlReader;
  keyStore: KeyStore;
  metering: MeteringServices;
  prompts: { library: PromptLibrary; subscriptions: Subscriptions };
  /** The REST services proxied at their mounts (`services:`), each a pool of targets. */
  proxy: ServiceRegistry;
  /** `TOLLGATE_ADMIN_KEY`; undefined disables it (operator keys still work). */
  adminKey: string | undefined;
  /** Metrics, access log and traces (src/observability/). */
  observability: Observability;
  /** The append-only audit trail of admin changes and refused authentications. */
  audit?: AuditTrail;
  /** What `/readyz` checks. */
  readiness?: Readiness;
  /** `Idempotency-Key` records (see src/idempotency/). */
  idempotency: IdempotencyGate;
  /** The response cache: chat answers and REST GET answers (see src/cache/). */
  cache: Caches;
}

export interface GatewayEnv {
  Variables: {
    requestId: string;
    gateway: GatewayServices;
    caller: Caller;
    /** Set on the routes of another protocol (Anthropic, Gemini): errors are written in its shape. */
    errorBody?: ErrorBodyWriter;
    /** The request body, when a middleware had to read it before the route (see `calls/idempotent-calls.ts`). */
    requestBody?: Uint8Array;
    /** Aborted when the client leaves: see `server/client-signal.ts`. */
    clientSignal?: AbortSignal;
  };
}

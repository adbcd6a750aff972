/**
 * @module test/postgres-pass
 * The e2e files `npm test` runs a second time with `TOLLGATE_TEST_STORAGE=postgres` (the `postgres`
 * vitest project): every gateway they start, in process or spawned, also gets a fresh PostgreSQL
 * database in `storage.postgres` (test/helpers/test-storage.ts), so what they assert through the
 * API, the SDKs and the ledger holds on PostgreSQL too. Each is here because its assertions depend
 * on where the data lives; the comment says what.
 */
export const postgresPassFiles: readonly string[] = [
  // Exact costs, budgets that hold under 200 concurrent calls, one ledger row per call.
  'test/e2e/metering.e2e.test.ts',
  // Keys and tenants, revocation and expiry, the call log and operator roles over the admin API.
  'test/e2e/tenancy.e2e.test.ts',
  // Two gateways on one database: spend read back from the ledger crosses alert thresholds once.
  'test/e2e/budgets-alerts.e2e.test.ts',
  // An operator key made by the CLI in the database the running gateway reads.
  'test/e2e/admin-api-setup.e2e.test.ts',
  // Published prompts, versions, subscriptions, and the ledger rows of prompt calls.
  'test/e2e/prompts.e2e.test.ts',
  // Refusals and admissions near a window, checked against the ledger rows.
  'test/e2e/quota-fit.e2e.test.ts',
  // An abandoned call's estimated row, read from the ledger of a spawned gateway.
  'test/e2e/abandoned-estimate.e2e.test.ts',
  // The call log filtered by route kind and service: a ledger query.
  'test/e2e/calls-by-kind-and-service.e2e.test.ts',
  // A money quota settled at the serving deployment's price, read back from the ledger.
  'test/e2e/model-group-budget.e2e.test.ts',
  // Keys and tenants changed by the CLI or another gateway on the same database, in force at once.
  'test/e2e/changes-from-cli.e2e.test.ts',
  // A repeated call makes no second ledger row.
  'test/e2e/idempotency.e2e.test.ts',
  // Two processes, one database: the shared ledger holds exactly one row per call.
  'test/e2e/multi-process.e2e.test.ts',
  // `--workers 2`: every worker's ledger rows flushed by SIGTERM.
  'test/e2e/cluster.e2e.test.ts',
  // SIGTERM under load flushes one row per accepted call, abandoned calls estimated.
  'test/e2e/shutdown.e2e.test.ts',
  // The ledger row of each route kind and inbound protocol, read back through /admin/calls: images,
  // speech and transcriptions (media), the Responses API, REST services, Anthropic's and Gemini's
  // inbound protocols with cache tokens, legacy completions.
  'test/e2e/media.e2e.test.ts',
  'test/e2e/responses.e2e.test.ts',
  'test/e2e/rest-proxy.e2e.test.ts',
  'test/e2e/anthropic-messages.e2e.test.ts',
  'test/e2e/gemini-inbound.e2e.test.ts',
  'test/e2e/completions.e2e.test.ts',
  // The audit trail: events of the admin API and the CLI, no key in clear, append-only in the database.
  'test/e2e/audit.e2e.test.ts',
  // Dashboard sessions (stored with the keys), ending with their key; the reports they may read.
  'test/e2e/dashboard-session.e2e.test.ts',
];

/*
 * Storage-dependent files that are NOT in the list, and why:
 * - reports, crash-drill: they already run each case on both databases themselves
 *   (`describe.each(['sqlite', 'postgres'])`); scale-out, postgres-outage and postgres-transfer are
 *   about PostgreSQL to begin with.
 * - sole-instance: the warning for two instances on one SQLite file without Redis is SQLite's.
 * - health: it closes the SQLite connection to see readiness fail.
 * - admin-writes-under-load: SQLITE_BUSY between the ledger thread and a second SQLite connection
 *   (what the CLI opens), which it drives through the SQLite key store directly.
 * - dashboard.browser, dashboard-audit.browser: the ledger is seeded straight into the SQLite file
 *   before start (seed-ledger.ts), and a second browser run costs minutes.
 * - instances-agree: three processes on Redis, a minute of the suite; scale-out is its twin on
 *   PostgreSQL.
 * - Files whose ledger rows are read only as one case among many (upstream-faults, model-groups,
 *   the hostile-* files, response-cache…): the route kinds above cover the same rows, and a second
 *   run of them would cost minutes of the suite (it must stay within ~15 minutes on 2 cores).
 */

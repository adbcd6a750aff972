/**
 * @module ledger
 * The usage ledger: one `calls` row per call, written in batches off the request path, with
 * `daily_rollups` kept in step in the same transaction; retention of old calls; the calls API
 * query and the daily usage totals that finance reports build on. See docs/ledger.md.
 */
export type { CallKind, LedgerRow } from './types.js';
export { LedgerWriter, type LedgerWriterOptions } from './ledger-writer.js';
export { LedgerThread, type LedgerThreadOptions } from './ledger-thread.js';
export { replayLedgerJournals, type ReplayResult } from './replay-journals.js';
export { deleteCallsOlderThan, startRetention, type RetentionHandle } from './retention.js';
export { queryCalls, defaultCallsLimit, maxCallsLimit, type CallQuery, type CallPage, type CallRecordJson } from './query-calls.js';
export { queryDailyUsage, type DailyUsageQuery, type DailyUsageJson, type UsageDimension } from './query-rollups.js';
export { formatNanoUsd } from '../metering/decimal.js';

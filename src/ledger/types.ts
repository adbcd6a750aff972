/**
 * @module ledger/types
 * One ledger row per call (the `calls` table): chat, embeddings, prompt API or proxied REST.
 */
import type { calls } from '../storage/schema.js';

export type CallKind = 'chat' | 'embeddings' | 'prompt' | 'proxy';
export type LedgerRow = typeof calls.$inferInsert & { kind: CallKind };

/**
 * @module ledger/types
 * One ledger row per call (the `calls` table): chat, embeddings, prompt API or proxied REST.
 */
import type { calls } from '../storage/schema.js';

/** Every route kind a ledger row can have (`proxy`: a REST service call). */
export const callKinds = ['chat', 'embeddings', 'prompt', 'proxy', 'images', 'audio', 'moderations'] as const;
export type CallKind = (typeof callKinds)[number];
/** The protocol the client spoke: OpenAI's chat and friends, or one translated to and from the chat shape. */
export type InboundProtocol = 'openai' | 'anthropic' | 'responses' | 'gemini' | 'completions';
export type LedgerRow = typeof calls.$inferInsert & { kind: CallKind };

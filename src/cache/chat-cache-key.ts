/**
 * @module cache/chat-cache-key
 * The key of an exact-match chat answer: the tenant, the public model and the request normalised —
 * object keys in sorted order (JSON key order says nothing), and the fields that do not change the
 * answer left out (whether it streams, usage reporting, end-user and metadata labels, storage
 * flags). A request in another protocol passed natively upstream adds its own bytes' hash: fields
 * the canonical chat request cannot express must still tell answers apart.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { ChatCompletionRequest } from '../../schemas/openai-chat.js';

const answerNeutralFields = new Set(['stream', 'stream_options', 'user', 'metadata', 'store', 'safety_identifier', 'prompt_cache_key']);

export interface ChatCacheScope {
  tenantId: string;
  publicModel: string;
  /** The client's own bytes when they go upstream as they are (another protocol, natively). */
  nativeBody?: Uint8Array;
}

export function chatCacheKey(scope: ChatCacheScope, request: ChatCompletionRequest): string {
  const relevant: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request)) {
    if (!answerNeutralFields.has(field) && field !== 'model') relevant[field] = value;
  }
  const hash = createHash('sha256').update(stringify(relevant) ?? '');
  if (scope.nativeBody) hash.update('\n').update(scope.nativeBody);
  return `chat:${scope.tenantId}:${createHash('sha256').update(scope.publicModel).digest('base64url').slice(0, 16)}:${hash.digest('base64url')}`;
}

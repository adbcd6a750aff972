/**
 * @module providers/gemini/finish-reason
 * Gemini's `Candidate.finishReason` → OpenAI's `finish_reason`.
 * https://ai.google.dev/api/generate-content#FinishReason
 *
 * Gemini says STOP even when the turn ends in function calls, so the caller tells us whether the
 * candidate carried any. Values we do not know (Gemini adds new ones often: MALFORMED_FUNCTION_CALL,
 * UNEXPECTED_TOOL_CALL, TOO_MANY_TOOL_CALLS...) end the choice as `stop`.
 */
import type { FinishReason } from '../../schemas/openai-chat.js';

export function mapFinishReason(finishReason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  switch (finishReason) {
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return 'content_filter';
    case 'STOP':
    default:
      return hasToolCalls ? 'tool_calls' : 'stop';
  }
}

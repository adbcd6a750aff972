/**
 * @module providers/anthropic/finish-reason
 * Anthropic `stop_reason` → OpenAI `finish_reason`. An unknown reason becomes `stop`: a client
 * only knows OpenAI's five words, so Anthropic's never leak through.
 */
import type { FinishReason } from '../../schemas/openai-chat.js';

export function mapFinishReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    // A paused server-tool turn is complete from the client's point of view: it cannot resume it.
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

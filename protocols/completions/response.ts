/**
 * @module protocols/completions/response
 * A canonical chat answer → a legacy `text_completion`: one choice per chat choice with its text
 * (the prompt before it with `echo`), `logprobs: null`, the same finish reasons, OpenAI's usage.
 */
import { toOpenAIUsage } from '../../providers/shared/openai-usage.js';
import type { NormalizedUsage } from '../../providers/types.js';
import type { ChatCompletion, FinishReason } from '../../schemas/openai-chat.js';

/** Completions know only these; a tool call (no tools can be offered here) ends the text. */
export function completionFinishReason(reason: FinishReason | null | undefined): 'stop' | 'length' | 'content_filter' {
  return reason === 'length' ? 'length' : reason === 'content_filter' ? 'content_filter' : 'stop';
}

export function completionId(upstreamId: string): string {
  return upstreamId.startsWith('cmpl-') ? upstreamId : `cmpl-${upstreamId.replace(/^chatcmpl-/, '')}`;
}

export function toTextCompletion(completion: ChatCompletion, usage: NormalizedUsage, echoed: string) {
  const { prompt_tokens, completion_tokens, total_tokens } = toOpenAIUsage(usage);
  return {
    id: completionId(completion.id),
    object: 'text_completion',
    created: completion.created,
    model: completion.model,
    choices: completion.choices.map((choice) => ({
      text: echoed + (choice.message.content ?? ''),
      index: choice.index,
      logprobs: null,
      finish_reason: completionFinishReason(choice.finish_reason),
    })),
    usage: { prompt_tokens, completion_tokens, total_tokens },
  };
}

/**
 * @module protocols/completions/stream
 * Canonical stream parts → the legacy completions stream: `data: <text_completion chunk>` events
 * with `choices[].text` (the prompt first with `echo`), the finish reason on the last choice
 * chunk, a usage chunk (`choices: []`) when the client set `stream_options.include_usage`, then
 * `data: [DONE]`. A failure after the 200 is `data: {"error": {...}}`, as the chat stream does.
 */
import { toOpenAIUsage } from '../../providers/shared/openai-usage.js';
import type { ChatStreamPart, NormalizedUsage } from '../../providers/types.js';
import type { GatewayError } from '../../src/errors/gateway-error.js';
import type { StreamEncoder } from '../../src/server/protocol-stream.js';
import { ChunkDeltaReader } from '../shared/chunk-deltas.js';
import { completionFinishReason, completionId } from './response.js';

export class CompletionsStreamEncoder implements StreamEncoder {
  private readonly reader = new ChunkDeltaReader();
  private identity = { id: 'cmpl-', created: Math.floor(Date.now() / 1000), model: '' };
  private usage: NormalizedUsage | undefined;
  private echoPending: string;

  constructor(
    echoed: string,
    private readonly includeUsage: boolean,
  ) {
    this.echoPending = echoed;
  }

  part(part: ChatStreamPart): string | undefined {
    if (part.type === 'usage') {
      this.usage = part.usage;
      return undefined;
    }
    let text = '';
    for (const delta of this.reader.read(part)) {
      if (delta.kind === 'identity') this.identity = { ...this.identity, id: completionId(delta.id), model: delta.model };
      else if (delta.kind === 'text') text += this.chunk(this.takeEcho() + delta.text, null);
      else if (delta.kind === 'finish') text += this.chunk(this.takeEcho(), completionFinishReason(delta.reason));
    }
    return text || undefined;
  }

  end(costComment: string): string {
    let text = '';
    if (this.includeUsage && this.usage) {
      const { prompt_tokens, completion_tokens, total_tokens } = toOpenAIUsage(this.usage);
      text += `data: ${JSON.stringify({ ...this.head(), choices: [], usage: { prompt_tokens, completion_tokens, total_tokens } })}\n\n`;
    }
    return `${text}${costComment}data: [DONE]\n\n`;
  }

  error(error: GatewayError): string {
    return `data: ${JSON.stringify(error.toBody())}\n\n`;
  }

  private takeEcho(): string {
    const echo = this.echoPending;
    this.echoPending = '';
    return echo;
  }

  private head() {
    return { id: this.identity.id, object: 'text_completion', created: this.identity.created, model: this.identity.model };
  }

  private chunk(text: string, finishReason: string | null): string {
    return `data: ${JSON.stringify({ ...this.head(), choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }] })}\n\n`;
  }
}

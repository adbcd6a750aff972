/**
 * @module protocols/anthropic/stream
 * Canonical stream parts → Anthropic's Messages stream, in the order the API sends it:
 * `message_start`; per content block `content_block_start`, `content_block_delta`s,
 * `content_block_stop` (with a `ping` after the first block's start, as recorded); then
 * `message_delta` (stop reason and the whole usage, input included: it is only known at the end
 * of a translated stream, and the SDK takes it from there) and `message_stop`. A failure after the
 * 200 is an `event: error`. Parts of a native pass-through (an Anthropic upstream) are written as
 * they came.
 */
import type { NormalizedUsage, ChatStreamPart } from '../../providers/types.js';
import type { FinishReason } from '../../schemas/openai-chat.js';
import type { GatewayError } from '../../src/errors/gateway-error.js';
import type { StreamEncoder } from '../../src/server/protocol-stream.js';
import { ChunkDeltaReader, type ChunkDelta } from '../shared/chunk-deltas.js';
import { anthropicErrorEvent } from './errors.js';
import { messageId, toAnthropicUsage, toStopReason } from './response.js';

type OpenBlock = { kind: 'text' | 'thinking' } | { kind: 'tool'; toolIndex: number };

export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class AnthropicStreamEncoder implements StreamEncoder {
  private readonly reader = new ChunkDeltaReader();
  private started = false;
  private native = false;
  private blockCount = 0;
  private open: OpenBlock | undefined;
  private finishReason: FinishReason | undefined;
  private usage: NormalizedUsage | undefined;

  constructor(private readonly publicModel: string) {}

  part(part: ChatStreamPart): string | undefined {
    if (part.type === 'native') {
      this.native = true;
      return `${part.event ? `event: ${part.event}\n` : ''}data: ${part.data}\n\n`;
    }
    if (part.type === 'usage') {
      this.usage = part.usage;
      return undefined;
    }
    let text = '';
    for (const delta of this.reader.read(part)) text += this.onDelta(delta);
    return text || undefined;
  }

  end(costComment: string): string {
    if (this.native) return costComment;
    const usage = this.usage ? toAnthropicUsage(this.usage) : { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 };
    return (
      this.start('', this.publicModel) +
      this.closeBlock() +
      sseEvent('message_delta', { type: 'message_delta', delta: { stop_reason: toStopReason(this.finishReason), stop_sequence: null }, usage }) +
      costComment +
      sseEvent('message_stop', { type: 'message_stop' })
    );
  }

  error(error: GatewayError): string {
    return anthropicErrorEvent(error);
  }

  private onDelta(delta: ChunkDelta): string {
    switch (delta.kind) {
      case 'identity':
        return this.start(delta.id, delta.model);
      case 'text':
        return this.ensureBlock({ kind: 'text' }) + sseEvent('content_block_delta', { type: 'content_block_delta', index: this.blockCount - 1, delta: { type: 'text_delta', text: delta.text } });
      case 'reasoning':
        return this.ensureBlock({ kind: 'thinking' }) + sseEvent('content_block_delta', { type: 'content_block_delta', index: this.blockCount - 1, delta: { type: 'thinking_delta', thinking: delta.text } });
      case 'tool-start':
        return this.start('', this.publicModel) + this.closeBlock() + this.openBlock({ kind: 'tool', toolIndex: delta.index }, { type: 'tool_use', id: delta.id, name: delta.name, input: {} });
      case 'tool-arguments':
        // Anthropic cannot reopen a block: pieces of a tool call whose block is closed are not sent.
        if (this.open?.kind !== 'tool' || this.open.toolIndex !== delta.index) return '';
        return sseEvent('content_block_delta', { type: 'content_block_delta', index: this.blockCount - 1, delta: { type: 'input_json_delta', partial_json: delta.arguments } });
      case 'finish':
        this.finishReason = delta.reason;
        return '';
      default: {
        const unknownDelta: never = delta;
        throw new Error(`unknown delta ${JSON.stringify(unknownDelta)}`);
      }
    }
  }

  private start(id: string, model: string): string {
    if (this.started) return '';
    this.started = true;
    const message = {
      id: messageId(id),
      type: 'message',
      role: 'assistant',
      model: model || this.publicModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
    };
    return sseEvent('message_start', { type: 'message_start', message });
  }

  private ensureBlock(block: { kind: 'text' | 'thinking' }): string {
    if (this.open?.kind === block.kind) return '';
    const start = block.kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    return this.start('', this.publicModel) + this.closeBlock() + this.openBlock(block, start);
  }

  private openBlock(block: OpenBlock, contentBlock: unknown): string {
    const index = this.blockCount++;
    this.open = block;
    const ping = index === 0 ? sseEvent('ping', { type: 'ping' }) : '';
    return sseEvent('content_block_start', { type: 'content_block_start', index, content_block: contentBlock }) + ping;
  }

  private closeBlock(): string {
    if (!this.open) return '';
    this.open = undefined;
    return sseEvent('content_block_stop', { type: 'content_block_stop', index: this.blockCount - 1 });
  }
}

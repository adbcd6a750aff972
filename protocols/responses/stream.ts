/**
 * @module protocols/responses/stream
 * Canonical stream parts → the Responses API's typed semantic events, numbered by
 * `sequence_number`: `response.created`, `response.in_progress`; per output item
 * `response.output_item.added`, its deltas (`response.content_part.added`,
 * `response.output_text.delta`/`.done`, `response.content_part.done`, or
 * `response.function_call_arguments.delta`/`.done`, or `response.reasoning_text.delta`/`.done`)
 * and `response.output_item.done`; then `response.completed` (or `response.incomplete`) with the
 * whole Response. A failure after the 200 is an `error` event and `response.failed`. Events of a
 * native pass-through (an OpenAI upstream) are written as they came; the final Response is
 * handed to `onResponse` either way, for the response store.
 */
import type { ChatStreamPart, NormalizedUsage } from '../../providers/types.js';
import type { FinishReason } from '../../schemas/openai-chat.js';
import type { GatewayError } from '../../src/errors/gateway-error.js';
import type { StreamEncoder } from '../../src/server/protocol-stream.js';
import { ChunkDeltaReader, type ChunkDelta } from '../shared/chunk-deltas.js';
import { functionCallItem, messageItem, newId, outputTextPart, reasoningItem, reasoningTextPart, responseObject, statusFor, type OutputItem, type ResponseObject, type ResponseShell } from './response.js';

type OpenItem =
  | { kind: 'message'; id: string; text: string }
  | { kind: 'reasoning'; id: string; text: string }
  | { kind: 'tool'; id: string; index: number; callId: string; name: string; args: string };

export class ResponsesStreamEncoder implements StreamEncoder {
  private readonly reader = new ChunkDeltaReader();
  private sequence = 0;
  private started = false;
  private native = false;
  private open: OpenItem | undefined;
  private readonly output: OutputItem[] = [];
  private finishReason: FinishReason | undefined;
  private usage: NormalizedUsage | null = null;

  constructor(
    private readonly shell: ResponseShell,
    private readonly onResponse: (response: ResponseObject) => void,
  ) {}

  part(part: ChatStreamPart): string | undefined {
    if (part.type === 'native') return this.nativeEvent(part.event, part.data);
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
    const text = this.start() + this.closeItem();
    const status = statusFor(this.finishReason);
    const response = responseObject(this.shell, this.output, { status, reason: this.finishReason, usage: this.usage });
    this.onResponse(response);
    return text + costComment + this.event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
  }

  error(error: GatewayError): string {
    // A failed Response's `error.code` is one of OpenAI's few words; the `error` event keeps ours.
    const code = error.status === 429 ? 'rate_limit_exceeded' : error.status === 400 ? 'invalid_prompt' : 'server_error';
    const response = responseObject(this.shell, this.output, { status: 'failed', error: { code, message: error.message } });
    return this.event('error', { code: error.code ?? error.type, message: error.message, param: error.param }) + this.event('response.failed', { response });
  }

  private nativeEvent(event: string | undefined, data: string): string {
    this.native = true;
    if (event === 'response.completed' || event === 'response.incomplete') {
      const response = parseObject(data)?.response;
      if (response && typeof response === 'object') this.onResponse(response as ResponseObject);
    }
    return `${event ? `event: ${event}\n` : ''}data: ${data}\n\n`;
  }

  private onDelta(delta: ChunkDelta): string {
    switch (delta.kind) {
      case 'identity':
        return this.start();
      case 'text':
        return this.ensureItem('message') + this.appendText(delta.text);
      case 'reasoning':
        return this.ensureItem('reasoning') + this.appendText(delta.text);
      case 'tool-start':
        return this.start() + this.closeItem() + this.openTool(delta.index, delta.id, delta.name);
      case 'tool-arguments': {
        const open = this.open;
        if (open?.kind !== 'tool' || open.index !== delta.index) return '';
        open.args += delta.arguments;
        return this.event('response.function_call_arguments.delta', { item_id: open.id, output_index: this.output.length, delta: delta.arguments });
      }
      case 'finish':
        this.finishReason = delta.reason;
        return '';
      default: {
        const unknownDelta: never = delta;
        throw new Error(`unknown delta ${JSON.stringify(unknownDelta)}`);
      }
    }
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    const response = responseObject(this.shell, [], { status: 'in_progress' });
    return this.event('response.created', { response }) + this.event('response.in_progress', { response });
  }

  private ensureItem(kind: 'message' | 'reasoning'): string {
    if (this.open?.kind === kind) return '';
    const prefix = this.start() + this.closeItem();
    const id = newId(kind === 'message' ? 'msg' : 'rs');
    this.open = { kind, id, text: '' };
    const output_index = this.output.length;
    const item = kind === 'message' ? messageItem(id, '', 'in_progress') : reasoningItem(id, '');
    const part = kind === 'message' ? outputTextPart('') : reasoningTextPart('');
    return (
      prefix +
      this.event('response.output_item.added', { output_index, item }) +
      this.event('response.content_part.added', { item_id: id, output_index, content_index: 0, part })
    );
  }

  private appendText(text: string): string {
    const open = this.open as Extract<OpenItem, { kind: 'message' | 'reasoning' }>;
    open.text += text;
    const type = open.kind === 'message' ? 'response.output_text.delta' : 'response.reasoning_text.delta';
    const logprobs = open.kind === 'message' ? { logprobs: [] } : {};
    return this.event(type, { item_id: open.id, output_index: this.output.length, content_index: 0, delta: text, ...logprobs });
  }

  private openTool(index: number, callId: string, name: string): string {
    const id = newId('fc');
    this.open = { kind: 'tool', id, index, callId, name, args: '' };
    return this.event('response.output_item.added', { output_index: this.output.length, item: functionCallItem(id, callId, name, '', 'in_progress') });
  }

  private closeItem(): string {
    const open = this.open;
    if (!open) return '';
    this.open = undefined;
    const output_index = this.output.length;
    let text = '';
    let item: OutputItem;
    if (open.kind === 'message') {
      item = messageItem(open.id, open.text, 'completed');
      text += this.event('response.output_text.done', { item_id: open.id, output_index, content_index: 0, text: open.text, logprobs: [] });
      text += this.event('response.content_part.done', { item_id: open.id, output_index, content_index: 0, part: outputTextPart(open.text) });
    } else if (open.kind === 'reasoning') {
      item = reasoningItem(open.id, open.text);
      text += this.event('response.reasoning_text.done', { item_id: open.id, output_index, content_index: 0, text: open.text });
      text += this.event('response.content_part.done', { item_id: open.id, output_index, content_index: 0, part: reasoningTextPart(open.text) });
    } else {
      item = functionCallItem(open.id, open.callId, open.name, open.args, 'completed');
      text += this.event('response.function_call_arguments.done', { item_id: open.id, name: open.name, output_index, arguments: open.args });
    }
    this.output.push(item);
    return text + this.event('response.output_item.done', { output_index, item });
  }

  private event(type: string, fields: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, ...fields, sequence_number: this.sequence++ })}\n\n`;
  }
}

function parseObject(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @module protocols/gemini/stream
 * Canonical stream parts → Gemini's stream: one `GenerateContentResponse` per event — `data:`
 * lines with CRLF framing for `alt=sse` (what `@google/genai` asks for), or the elements of one
 * JSON array without it, as Google sends them. Text and thoughts go out as they arrive; a function
 * call goes out whole once its arguments are complete (Gemini never streams a call in pieces); the
 * last event carries the finish reason and `usageMetadata`. A failure after the 200 is a last
 * event holding Google's error object.
 */
import type { ChatStreamPart, NormalizedUsage } from '../../providers/types.js';
import type { FinishReason } from '../../schemas/openai-chat.js';
import type { GatewayError } from '../../src/errors/gateway-error.js';
import type { StreamEncoder } from '../../src/server/protocol-stream.js';
import { ChunkDeltaReader, type ChunkDelta } from '../shared/chunk-deltas.js';
import { geminiErrorBody } from './errors.js';
import { parseArgs, toGeminiFinishReason, toGeminiUsage, type GeminiPartOut } from './response.js';

export class GeminiStreamEncoder implements StreamEncoder {
  private readonly reader = new ChunkDeltaReader();
  private responseId = '';
  private readonly calls = new Map<number, { id: string; name: string; args: string }>();
  private finishReason: FinishReason | undefined;
  private usage: NormalizedUsage | undefined;
  private events = 0;

  constructor(
    private readonly publicModel: string,
    private readonly framing: 'sse' | 'json-array',
  ) {}

  part(part: ChatStreamPart): string | undefined {
    if (part.type === 'usage') {
      this.usage = part.usage;
      return undefined;
    }
    const parts: GeminiPartOut[] = [];
    for (const delta of this.reader.read(part)) this.onDelta(delta, parts);
    return parts.length > 0 ? this.event({ candidates: [{ content: { role: 'model', parts }, index: 0 }] }) : undefined;
  }

  end(costComment: string): string {
    const parts: GeminiPartOut[] = this.takeCalls();
    const last = this.event({
      candidates: [{ content: { role: 'model', parts: parts.length > 0 ? parts : [{ text: '' }] }, finishReason: toGeminiFinishReason(this.finishReason), index: 0 }],
      ...(this.usage ? { usageMetadata: toGeminiUsage(this.usage) } : {}),
    });
    // A JSON array has no place for a comment: the cost is in the trailer only for SSE.
    return this.framing === 'sse' ? costComment + last : `${last}${this.events > 0 ? '' : '['}]`;
  }

  error(error: GatewayError): string {
    const event = this.event(geminiErrorBody(error));
    return this.framing === 'sse' ? event : `${event}]`;
  }

  private onDelta(delta: ChunkDelta, parts: GeminiPartOut[]): void {
    switch (delta.kind) {
      case 'identity':
        this.responseId = delta.id;
        return;
      case 'text':
        parts.push({ text: delta.text });
        return;
      case 'reasoning':
        parts.push({ text: delta.text, thought: true });
        return;
      case 'tool-start':
        this.calls.set(delta.index, { id: delta.id, name: delta.name, args: '' });
        return;
      case 'tool-arguments': {
        const call = this.calls.get(delta.index);
        if (call) call.args += delta.arguments;
        return;
      }
      case 'finish':
        this.finishReason = delta.reason;
        return;
      default: {
        const unknownDelta: never = delta;
        throw new Error(`unknown delta ${JSON.stringify(unknownDelta)}`);
      }
    }
  }

  private takeCalls(): GeminiPartOut[] {
    const parts: GeminiPartOut[] = [...this.calls.values()].map((call) => ({ functionCall: { id: call.id, name: call.name, args: parseArgs(call.args) } }));
    this.calls.clear();
    return parts;
  }

  private event(body: Record<string, unknown>): string {
    const json = JSON.stringify('error' in body ? body : { ...body, modelVersion: this.publicModel, responseId: this.responseId });
    if (this.framing === 'sse') return `data: ${json}\r\n\r\n`;
    return `${this.events++ === 0 ? '[' : ',\r\n'}${json}`;
  }
}

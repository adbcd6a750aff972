/**
 * @module protocols/shared/chunk-deltas
 * Reads canonical stream parts (translated chunks, or an OpenAI-shaped upstream's raw chunk JSON)
 * as a flat sequence of what happened — text, reasoning text, a tool call starting, its argument
 * pieces, the finish reason — so that each inbound protocol's encoder only decides how to write
 * those, not how to read OpenAI chunks. Only the first choice is read: the other protocols ask
 * for one answer.
 */
import type { ChatCompletionChunk, FinishReason } from '../../schemas/openai-chat.js';
import type { ChatStreamPart } from '../../providers/types.js';

export type ChunkDelta =
  | { kind: 'identity'; id: string; model: string }
  | { kind: 'text'; text: string }
  | { kind: 'reasoning'; text: string }
  | { kind: 'tool-start'; index: number; id: string; name: string }
  | { kind: 'tool-arguments'; index: number; arguments: string }
  | { kind: 'finish'; reason: FinishReason };

/** Keeps what one stream said so far (its id, the tool calls begun), to turn each part into deltas. */
export class ChunkDeltaReader {
  private identified = false;
  private readonly toolsStarted = new Set<number>();

  read(part: ChatStreamPart): ChunkDelta[] {
    if (part.type === 'chunk') return this.readChunk(part.chunk);
    if (part.type !== 'raw') return [];
    const deltas: ChunkDelta[] = [];
    for (const json of part.events) {
      const chunk = parseChunk(json);
      if (chunk) deltas.push(...this.readChunk(chunk));
    }
    return deltas;
  }

  private readChunk(chunk: ChatCompletionChunk): ChunkDelta[] {
    const deltas: ChunkDelta[] = [];
    if (!this.identified && typeof chunk.id === 'string') {
      this.identified = true;
      deltas.push({ kind: 'identity', id: chunk.id, model: typeof chunk.model === 'string' ? chunk.model : '' });
    }
    const choice = Array.isArray(chunk.choices) ? chunk.choices.find((candidate) => (candidate?.index ?? 0) === 0) : undefined;
    if (!choice) return deltas;
    const delta = (choice.delta ?? {}) as ChatCompletionChunk['choices'][number]['delta'] & { reasoning_content?: unknown; reasoning?: unknown };
    const reasoning = typeof delta.reasoning_content === 'string' ? delta.reasoning_content : delta.reasoning;
    if (typeof reasoning === 'string' && reasoning) deltas.push({ kind: 'reasoning', text: reasoning });
    const text = delta.content ?? delta.refusal;
    if (typeof text === 'string' && text) deltas.push({ kind: 'text', text });
    for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) this.readToolCall(call, deltas);
    if (choice.finish_reason) deltas.push({ kind: 'finish', reason: choice.finish_reason });
    return deltas;
  }

  private readToolCall(call: NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number], deltas: ChunkDelta[]): void {
    const index = typeof call?.index === 'number' ? call.index : 0;
    if (!this.toolsStarted.has(index)) {
      this.toolsStarted.add(index);
      deltas.push({ kind: 'tool-start', index, id: call.id || `call_${index}`, name: call.function?.name ?? '' });
    }
    const pieces = call.function?.arguments;
    if (typeof pieces === 'string' && pieces) deltas.push({ kind: 'tool-arguments', index, arguments: pieces });
  }
}

function parseChunk(json: string): ChatCompletionChunk | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' ? (value as ChatCompletionChunk) : undefined;
  } catch {
    return undefined;
  }
}

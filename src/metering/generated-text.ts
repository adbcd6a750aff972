/**
 * @module metering/generated-text
 * The text a model generated, read back from what the gateway forwarded — translated chunks, an
 * OpenAI-shaped upstream's raw chunk JSON, or a whole completion — so that it can be counted when
 * the provider reported no usage. Content, refusals, reasoning text some OpenAI-compatible servers
 * stream (`reasoning_content`, `reasoning`), and tool calls' names and argument deltas, of every
 * choice. Raw JSON that does not parse (a chunk cut short) is passed over.
 *
 * @example
 * generatedTextFromChunks(['{"choices":[{"delta":{"content":"Hel"}}]}', 'data: {"choices":[{"delta":{"content":"lo"}}]}']); // "Hello"
 */
import type { ChatStreamPart } from '../../providers/types.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../schemas/openai-chat.js';

/** What a caller may have kept: stream parts, chunk objects, a completion, or raw chunk JSON (with or without `data: `). */
export type GeneratedPart = ChatStreamPart | ChatCompletionChunk | ChatCompletion | string;

export function generatedTextFromChunks(parts: Iterable<GeneratedPart>): string {
  const pieces: string[] = [];
  for (const part of parts) collectPart(part, pieces);
  return pieces.join('');
}

function collectPart(part: GeneratedPart, pieces: string[]): void {
  if (typeof part === 'string') {
    collectChoices(parseChunkJson(part), pieces);
    return;
  }
  if ('type' in part) {
    switch (part.type) {
      case 'chunk':
        collectChoices(part.chunk, pieces);
        return;
      case 'raw':
        for (const json of part.events) collectChoices(parseChunkJson(json), pieces);
        return;
      case 'usage':
        return;
      case 'native':
        collectNativeEvent(parseChunkJson(part.data), pieces);
        return;
      default: {
        const unknownPart: never = part;
        throw new Error(`unknown stream part ${JSON.stringify(unknownPart)}`);
      }
    }
  }
  collectChoices(part, pieces);
}

function parseChunkJson(text: string): unknown {
  const json = text.trimStart().startsWith('data:') ? text.trimStart().slice('data:'.length) : text;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** Reads `choices[].delta` (chunks) or `choices[].message` (completions), trusting no shape. */
function collectChoices(value: unknown, pieces: string[]): void {
  const choices = (value as { choices?: unknown } | null | undefined)?.choices;
  if (!Array.isArray(choices)) return;
  for (const choice of choices) {
    const body = (choice as { delta?: unknown; message?: unknown } | null)?.delta ?? (choice as { message?: unknown } | null)?.message;
    if (typeof body !== 'object' || body === null) continue;
    const fields = body as Record<string, unknown>;
    for (const field of ['reasoning_content', 'reasoning', 'content', 'refusal']) {
      if (typeof fields[field] === 'string') pieces.push(fields[field]);
    }
    if (!Array.isArray(fields.tool_calls)) continue;
    for (const call of fields.tool_calls) {
      const fn = (call as { function?: { name?: unknown; arguments?: unknown } } | null)?.function;
      if (typeof fn?.name === 'string') pieces.push(fn.name);
      if (typeof fn?.arguments === 'string') pieces.push(fn.arguments);
    }
  }
}

/**
 * The generated text of a native pass-through event: an Anthropic `content_block_delta` (text,
 * thinking, tool input) or an OpenAI Responses `*.delta` event (output text, reasoning, arguments).
 */
function collectNativeEvent(value: unknown, pieces: string[]): void {
  const event = value as { type?: unknown; delta?: unknown } | null | undefined;
  if (typeof event?.type !== 'string') return;
  if (typeof event.delta === 'string' && event.type.endsWith('.delta')) {
    pieces.push(event.delta);
    return;
  }
  const delta = event.delta as Record<string, unknown> | null | undefined;
  if (event.type !== 'content_block_delta' || typeof delta !== 'object' || delta === null) return;
  for (const field of ['text', 'thinking', 'partial_json']) {
    if (typeof delta[field] === 'string') pieces.push(delta[field]);
  }
}

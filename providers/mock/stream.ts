/**
 * @module providers/mock/stream
 * Streams a mock answer the way OpenAI does: a role chunk, content cut into `chunks` pieces at
 * word boundaries, tool calls (id, type and name first, then arguments in two pieces), a chunk
 * with the finish reason, then the usage.
 */
import type { ChatCompletionChunk, ChatCompletionChunkChoice } from '../../schemas/openai-chat.js';
import type { ChatStreamPart } from '../types.js';
import type { MockAnswer } from './answer.js';

export interface ChunkIdentity {
  id: string;
  created: number;
  model: string;
}

export function* mockStreamParts(answer: MockAnswer, choiceCount: number, identity: ChunkIdentity, pieces: number): Generator<ChatStreamPart> {
  const chunk = (choices: ChatCompletionChunkChoice[]): ChatStreamPart => ({
    type: 'chunk',
    chunk: { ...identity, object: 'chat.completion.chunk', choices } satisfies ChatCompletionChunk,
  });
  const forEachChoice = (delta: ChatCompletionChunkChoice['delta'], finishReason: ChatCompletionChunkChoice['finish_reason'] = null) =>
    chunk(Array.from({ length: choiceCount }, (_, index) => ({ index, delta, finish_reason: finishReason, logprobs: null })));

  yield forEachChoice({ role: 'assistant', content: '', refusal: null });
  if (answer.content !== null) {
    for (const piece of splitIntoPieces(answer.content, pieces)) yield forEachChoice({ content: piece });
  }
  for (const [index, call] of answer.toolCalls.entries()) {
    yield forEachChoice({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] });
    const half = Math.ceil(call.function.arguments.length / 2);
    for (const argumentsPiece of [call.function.arguments.slice(0, half), call.function.arguments.slice(half)]) {
      if (argumentsPiece) yield forEachChoice({ tool_calls: [{ index, function: { arguments: argumentsPiece } }] });
    }
  }
  yield forEachChoice({}, answer.finishReason);
  yield { type: 'usage', usage: scaleUsage(answer, choiceCount) };
}

/** With `n` choices the model generated `n` answers: output tokens scale, the prompt is read once. */
export function scaleUsage(answer: MockAnswer, choiceCount: number): MockAnswer['usage'] {
  return { ...answer.usage, outputTokens: answer.usage.outputTokens * choiceCount };
}

/** Cuts text into at most `count` pieces at word boundaries; joined, they are the text again. */
export function splitIntoPieces(text: string, count: number): string[] {
  const words = text.split(/(?<=\s)/);
  const perPiece = Math.max(1, Math.ceil(words.length / count));
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += perPiece) pieces.push(words.slice(index, index + perPiece).join(''));
  return pieces.length > 0 ? pieces : [''];
}

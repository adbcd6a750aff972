/**
 * @module protocols/gemini/response
 * A canonical chat answer → a Gemini `GenerateContentResponse`: one candidate per choice, with
 * text, thought (reasoning text where an OpenAI-compatible upstream sent it) and `functionCall`
 * parts (the tool call's id kept as the call's `id`); the finish reason in Gemini's words; usage
 * as `usageMetadata` (`promptTokenCount` includes `cachedContentTokenCount`, thoughts are apart
 * from candidates, as Gemini counts them).
 */
import type { NormalizedUsage } from '../../providers/types.js';
import type { ChatCompletion, FinishReason } from '../../schemas/openai-chat.js';

export type GeminiPartOut = { text: string; thought?: true } | { functionCall: { id?: string; name: string; args: unknown } };

export function toGeminiUsage(usage: NormalizedUsage) {
  const prompt = usage.inputTokens + usage.cachedInputTokens + usage.cacheWriteTokens;
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: usage.outputTokens,
    totalTokenCount: prompt + usage.outputTokens + usage.reasoningTokens,
    ...(usage.cachedInputTokens > 0 ? { cachedContentTokenCount: usage.cachedInputTokens } : {}),
    ...(usage.reasoningTokens > 0 ? { thoughtsTokenCount: usage.reasoningTokens } : {}),
  };
}

export function toGeminiFinishReason(reason: FinishReason | null | undefined): string {
  switch (reason) {
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    case 'stop':
    case 'tool_calls':
    case 'function_call':
    case null:
    case undefined:
      return 'STOP';
    default: {
      const unknownReason: never = reason;
      return unknownReason;
    }
  }
}

/** Tool arguments arrive as JSON text; Gemini's `args` is the object. */
export function parseArgs(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return { _raw: text };
  }
}

export function toGenerateContentResponse(completion: ChatCompletion, usage: NormalizedUsage, publicModel: string) {
  const candidates = completion.choices.map((choice) => {
    const parts: GeminiPartOut[] = [];
    const reasoning = (choice.message as { reasoning_content?: unknown }).reasoning_content;
    if (typeof reasoning === 'string' && reasoning) parts.push({ text: reasoning, thought: true });
    const text = choice.message.content ?? choice.message.refusal;
    if (text) parts.push({ text });
    for (const call of choice.message.tool_calls ?? []) parts.push({ functionCall: { id: call.id, name: call.function.name, args: parseArgs(call.function.arguments) } });
    return { content: { role: 'model', parts }, finishReason: toGeminiFinishReason(choice.finish_reason), index: choice.index };
  });
  return { candidates, usageMetadata: toGeminiUsage(usage), modelVersion: publicModel, responseId: completion.id };
}

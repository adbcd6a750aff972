/**
 * @module metering/estimate-tokens
 * Cheap token figures read from a request before it is sent, with no tokenizer:
 *
 * - `promptTokenUpperBound` / `embeddingsTokenUpperBound`: what quota reservation holds back.
 *   Text counts one token per UTF-8 byte. That is a true bound for every byte-level BPE (OpenAI's
 *   tiktoken encodings, Anthropic's, Llama 3's): a token stands for at least one byte. It holds for
 *   SentencePiece (Gemini, Gemma) too, whose byte fallback also spends at least one byte a token,
 *   except for the "▁" it may put before a piece of text, which the one extra token per text piece
 *   covers. Anything tighter is not safe: bytes/2 fails for CJK (three bytes a character, often a
 *   token each) and random text, bytes/4 even for ordinary code.
 *   Images, audio and files cannot be bounded from their bytes; they get fixed allowances (below).
 * - `chatPromptText`: the text the model read, for counting with tiktoken when a provider reported
 *   no usage (see `count-tokens.ts`).
 */
import type { ChatCompletionRequest, ChatMessage, UserContentPart } from '../../schemas/openai-chat.js';
import type { EmbeddingsRequest } from '../../schemas/openai-embeddings.js';

/** Role markers and separators around one message (OpenAI spends 3–4, other formats similar). */
const tokensPerMessage = 16;
/** The reply's priming and the request's framing. */
const tokensPerRequest = 16;
/** SentencePiece may put a "▁" token before a piece of text. */
const tokensPerTextPiece = 1;
/** The system prompt providers add when tools are offered: Anthropic documents 159–530 tokens. */
const toolsOverheadTokens = 1024;
/** The instructions added around a JSON schema response format. */
const responseFormatOverheadTokens = 256;
/** One base64 character is 6 bits: 16 characters hold 12 bytes of audio, more than any codec spends on the 1/32 s Gemini bills as a token (32 tokens/s; OpenAI 10/s). */
const base64CharactersPerAudioToken = 16;

export interface PromptBoundOptions {
  /**
   * Tokens allowed per image, whatever its size or detail; default 4,096. That covers OpenAI's
   * tiled (≤ 1,445 for gpt-4o at high detail) and patch-based models (≤ 3,779 for gpt-4.1-nano),
   * Claude (about 1,600 at its 1.15 megapixel limit) and Gemini 3 (≤ 1,120 at high resolution).
   * It does not cover gpt-4o-mini, which bills images at 2,833 tokens plus 5,667 a tile, nor very
   * large images that Gemini 2.x cuts into many 258-token tiles.
   */
  imageTokens?: number;
}

const defaultImageTokens = 4096;

/** Receives the prompt's pieces in order: text the model reads, and media it sees or hears. */
interface PromptVisitor {
  message(): void;
  text(text: string): void;
  media(part: Exclude<UserContentPart, { type: 'text' }>): void;
}

/**
 * An upper bound of the prompt tokens a chat request can be billed for: UTF-8 bytes of all text
 * (messages, names, tool calls and their arguments, tool definitions, the response schema), plus
 * fixed overheads per message and per request, plus an allowance per image, audio clip and file.
 * Never below the true count for text; linear in the request's size, no tokenizer.
 *
 * @example
 * promptTokenUpperBound({ model: 'm', messages: [{ role: 'user', content: 'Hello' }] }); // 5 + 1 + 16 + 16 = 38
 */
export function promptTokenUpperBound(request: ChatCompletionRequest, options: PromptBoundOptions = {}): number {
  const imageTokens = options.imageTokens ?? defaultImageTokens;
  let tokens = tokensPerRequest;
  walkChatPrompt(request, {
    message: () => (tokens += tokensPerMessage),
    text: (text) => (tokens += Buffer.byteLength(text, 'utf8') + tokensPerTextPiece),
    media: (part) => (tokens += mediaAllowance(part, imageTokens)),
  });
  if (request.tools?.length) tokens += toolsOverheadTokens;
  if (request.response_format?.type === 'json_schema') tokens += responseFormatOverheadTokens;
  return tokens;
}

/**
 * The same prompt as `promptTokenUpperBound` sees it, split into what needs a tokenizer (each
 * piece of text) and what does not (overheads, media allowances): for `tight-token-bound.ts`,
 * which counts the texts exactly when the cheap bound would refuse a call.
 */
export function chatPromptParts(request: ChatCompletionRequest, options: PromptBoundOptions = {}): PromptParts {
  const imageTokens = options.imageTokens ?? defaultImageTokens;
  const parts: PromptParts = { fixedTokens: tokensPerRequest, texts: [] };
  walkChatPrompt(request, {
    message: () => (parts.fixedTokens += tokensPerMessage),
    text: (text) => parts.texts.push(text),
    media: (part) => (parts.fixedTokens += mediaAllowance(part, imageTokens)),
  });
  if (request.tools?.length) parts.fixedTokens += toolsOverheadTokens;
  if (request.response_format?.type === 'json_schema') parts.fixedTokens += responseFormatOverheadTokens;
  return parts;
}

/** An embeddings request's parts: its strings to count, token ids as they are. */
export function embeddingsPromptParts(request: EmbeddingsRequest): PromptParts {
  const inputs: Array<string | number | number[]> = typeof request.input === 'string' ? [request.input] : request.input;
  const parts: PromptParts = { fixedTokens: 0, texts: [] };
  for (const input of inputs) {
    if (typeof input === 'string') parts.texts.push(input);
    else parts.fixedTokens += typeof input === 'number' ? 1 : input.length;
  }
  return parts;
}

export interface PromptParts {
  /** Tokens that need no tokenizer: per-message and per-request overheads, media allowances, token ids. */
  fixedTokens: number;
  /** Each piece of text the model reads; each may also cost `tokensPerTextPiece`. */
  texts: string[];
}

export { tokensPerTextPiece };

/** An upper bound of an embeddings request's tokens: UTF-8 bytes per string, or the token ids given. */
export function embeddingsTokenUpperBound(request: EmbeddingsRequest): number {
  const inputs: Array<string | number | number[]> = typeof request.input === 'string' ? [request.input] : request.input;
  let tokens = 0;
  for (const input of inputs) {
    if (typeof input === 'string') tokens += Buffer.byteLength(input, 'utf8') + tokensPerTextPiece;
    else if (typeof input === 'number') tokens += 1;
    else tokens += input.length;
  }
  return tokens;
}

/**
 * The text the model read, joined by newlines: message text, names, tool calls with their
 * arguments, tool definitions and the response schema as JSON. Media is left out (it has no text).
 */
export function chatPromptText(request: ChatCompletionRequest): string {
  const pieces: string[] = [];
  walkChatPrompt(request, { message: () => {}, text: (text) => pieces.push(text), media: () => {} });
  return pieces.join('\n');
}

function walkChatPrompt(request: ChatCompletionRequest, visitor: PromptVisitor): void {
  for (const message of request.messages) {
    visitor.message();
    walkMessage(message, visitor);
  }
  if (request.tools?.length) visitor.text(JSON.stringify(request.tools));
  if (request.response_format?.type === 'json_schema') visitor.text(JSON.stringify(request.response_format.json_schema));
}

function walkMessage(message: ChatMessage, visitor: PromptVisitor): void {
  if (typeof message.name === 'string' && message.name) visitor.text(message.name);
  switch (message.role) {
    case 'tool':
      visitor.text(message.tool_call_id);
      walkContent(message.content, visitor);
      return;
    case 'system':
    case 'developer':
    case 'user':
      walkContent(message.content, visitor);
      return;
    case 'assistant':
      if (message.content) walkContent(message.content, visitor);
      if (message.refusal) visitor.text(message.refusal);
      for (const call of message.tool_calls ?? []) {
        visitor.text(call.id);
        visitor.text(call.function.name);
        visitor.text(call.function.arguments);
      }
      return;
    case 'function':
      if (message.content) visitor.text(message.content);
      return;
    default: {
      const unknownRole: never = message;
      throw new Error(`unknown message role in ${JSON.stringify(unknownRole)}`);
    }
  }
}

type MessageContent = string | Array<UserContentPart | { type: 'refusal'; refusal: string }>;

function walkContent(content: MessageContent, visitor: PromptVisitor): void {
  if (typeof content === 'string') {
    visitor.text(content);
    return;
  }
  for (const part of content) {
    switch (part.type) {
      case 'text':
        visitor.text(part.text);
        break;
      case 'refusal':
        visitor.text(part.refusal);
        break;
      case 'image_url':
      case 'input_audio':
      case 'file':
        visitor.media(part);
        break;
      default: {
        const unknownPart: never = part;
        throw new Error(`unknown content part in ${JSON.stringify(unknownPart)}`);
      }
    }
  }
}

/** Images get the allowance; audio a token per 16 base64 characters; a file its base64 length plus one image allowance (a page image). */
function mediaAllowance(part: Exclude<UserContentPart, { type: 'text' }>, imageTokens: number): number {
  switch (part.type) {
    case 'image_url':
      return imageTokens;
    case 'input_audio':
      return Math.ceil(part.input_audio.data.length / base64CharactersPerAudioToken) + tokensPerMessage;
    case 'file': {
      const data = (part.file as { file_data?: unknown }).file_data;
      return (typeof data === 'string' ? data.length : 0) + imageTokens;
    }
    default: {
      const unknownPart: never = part;
      throw new Error(`unknown media part in ${JSON.stringify(unknownPart)}`);
    }
  }
}

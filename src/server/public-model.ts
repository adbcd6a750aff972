/**
 * @module server/public-model
 * What a client sees as `model`: the name it asked for. A client that called `demo` (an alias of
 * the mock's `echo`) or `fast` (an alias of `gpt-4o-mini`) gets `"model": "demo"` / `"fast"` back
 * — in JSON answers, in every chunk of a stream, in embeddings and in prompt answers — as
 * OpenAI-compatible gateways do, so an alias hides which provider and snapshot served the call.
 * The provider's own id (`gpt-4o-mini-2024-07-18`) is kept in the ledger (`upstream_model`).
 *
 * Upstream bytes that are already the OpenAI shape are not re-serialised: only the top-level
 * `model` value is replaced. In a stream, every chunk of one upstream usually begins with the
 * same text up to and including `model` (`{"id":"…","object":"…","created":…,"model":"…"`), so after
 * the first chunk the swap is a prefix comparison; anything else gets a full top-level scan.
 */

import type { ChatResult, EmbeddingsResult } from '../../providers/types.js';

/** The body of a non-streamed answer (chat or embeddings) with the client's model name. */
export function answerBody(result: ChatResult | EmbeddingsResult, publicName: string): string {
  const parsed = 'completion' in result ? result.completion : result.response;
  if (result.json === undefined) return JSON.stringify(parsed.model === publicName ? parsed : { ...parsed, model: publicName });
  return parsed.model === publicName ? result.json : withPublicModel(result.json, publicName);
}

/** Replaces the top-level `model` of JSON text the gateway already parsed; unchanged when it has none. */
export function withPublicModel(json: string, publicName: string): string {
  return new ModelRenamer(publicName).rename(json);
}

export class ModelRenamer {
  private readonly quoted: string;
  private upstreamPrefix: string | undefined;
  private publicPrefix: string | undefined;

  constructor(publicName: string) {
    this.quoted = JSON.stringify(publicName);
  }

  rename(json: string): string {
    const prefix = this.upstreamPrefix;
    // Compared as a slice, not with `startsWith`: V8's `startsWith` with a search string that is not
    // a constant took ~0.6 µs per chunk here, a slice and `===` ~0.1 µs (Node 20).
    if (prefix !== undefined && json.length >= prefix.length && json.slice(0, prefix.length) === prefix) {
      return this.publicPrefix + json.slice(prefix.length);
    }
    const range = topLevelValueRange(json, 'model');
    if (!range) return json;
    const [start, end] = range;
    if (json.slice(start, end) === this.quoted) return json;
    this.upstreamPrefix = json.slice(0, end);
    this.publicPrefix = json.slice(0, start) + this.quoted;
    return this.publicPrefix + json.slice(end);
  }
}

/**
 * Where the value of a top-level member lies in JSON text: `[start, end)`, or undefined when the
 * text is not an object or has no such member. The text must be valid JSON (it was parsed, or
 * comes from an upstream whose JSON is passed through); strings are skipped with `indexOf`.
 */
export function topLevelValueRange(json: string, key: string): [number, number] | undefined {
  let index = skipWhitespace(json, 0);
  if (json.charCodeAt(index) !== openBrace) return undefined;
  index = skipWhitespace(json, index + 1);
  while (json.charCodeAt(index) === quote) {
    const keyEnd = stringEnd(json, index);
    const name = json.slice(index + 1, keyEnd - 1);
    index = skipWhitespace(json, keyEnd);
    if (json.charCodeAt(index) !== colon) return undefined;
    const valueStart = skipWhitespace(json, index + 1);
    const valueEnd = valueEndAt(json, valueStart);
    if (name === key) return [valueStart, valueEnd];
    index = skipWhitespace(json, valueEnd);
    if (json.charCodeAt(index) !== comma) return undefined;
    index = skipWhitespace(json, index + 1);
  }
  return undefined;
}

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const colon = 0x3a;
const comma = 0x2c;

function skipWhitespace(text: string, index: number): number {
  let at = index;
  for (;;) {
    const code = text.charCodeAt(at);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return at;
    at++;
  }
}

/** The index just past the string starting at `start` (a quote). */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const next = text.indexOf('"', at);
    if (next === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(next - 1 - backslashes) === backslash) backslashes++;
    if (backslashes % 2 === 0) return next + 1;
    at = next + 1;
  }
}

function valueEndAt(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === quote) return stringEnd(text, start);
  if (first !== openBrace && first !== openBracket) {
    let at = start;
    while (at < text.length) {
      const code = text.charCodeAt(at);
      if (code === comma || code === closeBrace || code === closeBracket || code <= 0x20) break;
      at++;
    }
    return at;
  }
  let depth = 0;
  let at = start;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === quote) {
      at = stringEnd(text, at);
      continue;
    }
    if (code === openBrace || code === openBracket) depth++;
    else if (code === closeBrace || code === closeBracket) {
      depth--;
      if (depth === 0) return at + 1;
    }
    at++;
  }
  return text.length;
}

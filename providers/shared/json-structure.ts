/**
 * @module providers/shared/json-structure
 * Two checks on JSON a caller sent, made once, right after `JSON.parse` (which V8 runs without
 * recursion, so any depth parses) and before anything recursive walks the value:
 *
 * - depth: objects and arrays nested at most `maxDepth` levels. zod, Ajv, `JSON.stringify`,
 *   `structuredClone` and the schema converters all recurse, and ~3,000 levels overflow V8's
 *   stack;
 * - repeated keys: no key twice in one object. `JSON.parse` keeps the last, other parsers the
 *   first: a body `{"model":"gpt-4o",…,"model":"gpt-4o-mini"}` would be checked (scope, price,
 *   quota) as one model and served by an upstream as the other. Refusing such bodies makes what
 *   Tollgate checked exactly what the upstream reads, including when it forwards the bytes as is.
 *
 * The scan runs over the UTF-8 bytes: strings are skipped with a native `indexOf` from quote to
 * quote, so its cost follows the number of structural characters, not the size of the prompt.
 *
 * @example
 * findStructureProblem(Buffer.from('{"model":"a","model":"b"}'), { maxDepth: 64 }); // { kind: 'duplicate_key', key: 'model', path: 'model' }
 */
import { backslash, closeBrace, closeBracket, comma, openBrace, openBracket, quote, stringEnd } from './json-bytes.js';

export type StructureProblem =
  | { kind: 'too_deep'; maxDepth: number; path: string }
  | { kind: 'duplicate_key'; key: string; path: string };

export interface StructureLimits {
  maxDepth: number;
  /** Skip the repeated-key check (JSON that is re-serialised from its parsed value anyway). */
  allowRepeatedKeys?: boolean;
}

/**
 * A key by its bytes, never decoded into a string while scanning (decoding every key cost more
 * than parsing the body): `source[start..end)` are its UTF-8 bytes, escapes already resolved.
 */
interface Key {
  hash: number;
  source: Buffer;
  start: number;
  end: number;
}

interface Frame {
  isObject: boolean;
  /** Objects: the next string is a key. */
  expectKey: boolean;
  /** Objects: the current member's key; arrays: the current element's index. */
  at: Key | number | undefined;
  /** Objects: the keys seen so far (a list while short, a map by hash beyond). */
  keys: Key[] | Map<number, Key[]> | undefined;
}

const keysBeforeMap = 16;

/** The first problem in `json` (bytes `JSON.parse` accepted), or undefined when there is none. */
export function findStructureProblem(json: Uint8Array, { maxDepth, allowRepeatedKeys = false }: StructureLimits): StructureProblem | undefined {
  const bytes = Buffer.isBuffer(json) ? json : Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  const stack: Frame[] = [];
  let index = 0;
  while (index < bytes.length) {
    const code = bytes[index];
    if (code === quote) {
      const end = stringEnd(bytes, index);
      const top = stack[stack.length - 1];
      if (top?.expectKey) {
        top.expectKey = false;
        if (!allowRepeatedKeys) {
          const key = keyAt(bytes, index, end);
          top.at = key;
          if (!addKey(top, key)) return { kind: 'duplicate_key', key: keyText(key), path: pathOf(stack) };
        }
      }
      index = end;
      continue;
    }
    if (code === openBrace || code === openBracket) {
      if (stack.length >= maxDepth) return { kind: 'too_deep', maxDepth, path: pathOf(stack) };
      const isObject = code === openBrace;
      stack.push({ isObject, expectKey: isObject, at: isObject ? undefined : 0, keys: undefined });
    } else if (code === closeBrace || code === closeBracket) {
      stack.pop();
    } else if (code === comma) {
      const top = stack[stack.length - 1];
      if (top.isObject) top.expectKey = true;
      else top.at = (top.at as number) + 1;
    }
    index++;
  }
  return undefined;
}

/** The key whose string runs from the quote at `start` to just before `end`. */
function keyAt(bytes: Buffer, start: number, end: number): Key {
  let hash = 0x811c9dc5;
  for (let index = start + 1; index < end - 1; index++) {
    const code = bytes[index];
    // Written with escapes (\u006d...), a key means what it decodes to: compare that.
    if (code === backslash) return keyOfText(JSON.parse(bytes.toString('utf8', start, end)) as string);
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return { hash, source: bytes, start: start + 1, end: end - 1 };
}

function keyOfText(text: string): Key {
  const source = Buffer.from(text, 'utf8');
  let hash = 0x811c9dc5;
  for (const code of source) hash = Math.imul(hash ^ code, 0x01000193);
  return { hash, source, start: 0, end: source.length };
}

function sameKey(a: Key, b: Key): boolean {
  if (a.hash !== b.hash || a.end - a.start !== b.end - b.start) return false;
  for (let offset = 0; offset < a.end - a.start; offset++) {
    if (a.source[a.start + offset] !== b.source[b.start + offset]) return false;
  }
  return true;
}

/** Records `key` in the object's frame; false when it was there already. */
function addKey(frame: Frame, key: Key): boolean {
  const keys = frame.keys;
  if (keys === undefined) {
    frame.keys = [key];
    return true;
  }
  if (Array.isArray(keys)) {
    if (keys.some((seen) => sameKey(seen, key))) return false;
    keys.push(key);
    if (keys.length > keysBeforeMap) {
      const byHash = new Map<number, Key[]>();
      for (const seen of keys) byHash.set(seen.hash, [...(byHash.get(seen.hash) ?? []), seen]);
      frame.keys = byHash;
    }
    return true;
  }
  const sameHash = keys.get(key.hash);
  if (sameHash?.some((seen) => sameKey(seen, key))) return false;
  if (sameHash) sameHash.push(key);
  else keys.set(key.hash, [key]);
  return true;
}

function keyText(key: Key): string {
  return key.source.toString('utf8', key.start, key.end);
}

/** `messages[0].content`: where the scan is, for the error's `param`. */
function pathOf(stack: Frame[]): string {
  let path = '';
  for (const { at } of stack) {
    if (typeof at === 'number') path += `[${at}]`;
    else if (at !== undefined) path += path ? `.${keyText(at)}` : keyText(at);
  }
  return path;
}

/**
 * `JSON.parse` for JSON a caller put inside a string (tool-call arguments, a tool's result, a
 * model's JSON answer) that Tollgate is going to walk or re-serialise: throws a `SyntaxError`
 * when it does not parse, a `RangeError` when it nests deeper than `maxDepth`.
 */
export function parseBoundedJson(text: string, maxDepth: number): unknown {
  const value: unknown = JSON.parse(text);
  if (typeof value === 'object' && value !== null && findStructureProblem(Buffer.from(text), { maxDepth, allowRepeatedKeys: true })) {
    throw new RangeError(`JSON nested deeper than ${maxDepth} levels`);
  }
  return value;
}

/**
 * Whether a value already in memory (a prompt definition read from a file or the database) nests
 * objects and arrays deeper than `maxDepth`. Iterative, so it is safe on any depth.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(current)) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}

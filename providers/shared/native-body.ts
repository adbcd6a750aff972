/**
 * @module providers/shared/native-body
 * The body of a native pass-through (see `CallContext.native`): the client's own bytes with only
 * `model` set to the upstream's name. Spliced without re-serialising; a body the splice refuses
 * (a duplicated key) is parsed and written again, with JSON's last-key-wins reading.
 */
import { setTopLevelValues } from './json-splice.js';

export function nativeBody(rawBody: Uint8Array, upstreamModel: string, extra: Record<string, string> = {}): Uint8Array | string {
  const changes = { model: JSON.stringify(upstreamModel), ...extra };
  const spliced = setTopLevelValues(rawBody, changes);
  if (spliced) return spliced;
  const parsed = JSON.parse(Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8')) as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) parsed[key] = JSON.parse(value);
  return JSON.stringify(parsed);
}

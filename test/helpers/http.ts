/**
 * @module test/helpers/http
 * Raw HTTP helpers for assertions the SDK would hide: exact status, headers, bytes, and every SSE
 * `data:` payload of a stream.
 */
import { SseDecoder } from '../../providers/shared/sse-decoder.js';
import { testKey } from './start-gateway.js';

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${testKey}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Reads a whole SSE response and returns each event's `data` string, in order. */
export async function readSseData(response: Response): Promise<string[]> {
  const decoder = new SseDecoder();
  const data: string[] = [];
  const reader = response.body!.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const event of decoder.push(value)) data.push(event.data);
  }
  for (const event of decoder.end()) data.push(event.data);
  return data;
}

/**
 * @module test/fakes/fault-injecting-upstream
 * An upstream that misbehaves on request, in the wire format of one provider kind (OpenAI-shaped,
 * Anthropic, Gemini): `inject(fault)` makes the next request get that fault, and with none
 * injected it answers correctly (chat, streamed or not, and embeddings). It records every request
 * like any fake (see `fake-upstream.ts`), so tests can see what the gateway sent.
 *
 * Faults: a redirect whose body echoes the request (key included), usage that is no token count
 * (negative, fractional, a string, astronomically large, with a secret in it), JSON nested 100,000
 * levels deep (where tool arguments go), malformed stream events, an
 * HTML page served as `text/event-stream`, a stream without its terminal event, an empty stream,
 * truncated JSON, an HTML page as the answer, an error echoing the request's headers and URL,
 * oversized answers (JSON, a whole stream, one event: generated as they are read, never held),
 * and stalls before the headers, in the middle of a JSON body and in the middle of a stream.
 */
import { deepJson, providerWire, type ProviderKind } from './provider-wire.js';
import { startFakeUpstream, type FakeReply, type FakeUpstream, type RecordedRequest } from './fake-upstream.js';

export type Fault =
  | 'redirect'
  | 'malformed-sse'
  | 'html-as-sse'
  | 'no-terminal-event'
  | 'empty-stream'
  | 'truncated-json'
  | 'html'
  | 'echo-request-error'
  | 'bogus-usage'
  | 'deep-json'
  | 'oversize-json'
  | 'oversize-stream'
  | 'oversize-event'
  | 'stall-before-headers'
  | 'stall-mid-body'
  | 'stall-mid-stream';

export interface FaultInjectingUpstream extends FakeUpstream {
  kind: ProviderKind;
  /** The next request gets this fault; later ones are answered correctly again. */
  inject(fault: Fault, options?: { bytes?: number }): void;
}

const sse = { 'content-type': 'text/event-stream' };
const json = { 'content-type': 'application/json' };
const htmlPage = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>\n';
const mebibyte = 1024 * 1024;

export async function startFaultInjectingUpstream(kind: ProviderKind): Promise<FaultInjectingUpstream> {
  const faults: Array<{ fault: Fault; bytes: number }> = [];
  const fake = await startFakeUpstream((request) => {
    const next = faults.shift();
    return next ? faultReply(kind, next.fault, request, next.bytes) : correctReply(kind, request);
  });
  return Object.assign(fake, {
    kind,
    inject: (fault: Fault, options: { bytes?: number } = {}) => faults.push({ fault, bytes: options.bytes ?? 64 * mebibyte }),
  });
}

function isStream(kind: ProviderKind, request: RecordedRequest): boolean {
  return kind === 'gemini' ? request.path.includes(':streamGenerateContent') : request.body?.stream === true;
}

function isEmbeddings(request: RecordedRequest): boolean {
  return request.path.endsWith('/embeddings') || request.path.includes(':batchEmbedContents');
}

function correctReply(kind: ProviderKind, request: RecordedRequest): FakeReply {
  const wire = providerWire[kind];
  if (isEmbeddings(request)) return { headers: json, text: wire.embeddings ?? wire.error('no embeddings here') };
  if (isStream(kind, request)) return { headers: sse, chunks: [...wire.streamStart, ...wire.streamEnd] };
  return { headers: json, text: wire.answer };
}

function faultReply(kind: ProviderKind, fault: Fault, request: RecordedRequest, bytes: number): FakeReply {
  const wire = providerWire[kind];
  const answer = isEmbeddings(request) ? wire.embeddings! : wire.answer;
  switch (fault) {
    case 'redirect':
      // How a key reached a client: a redirect whose body repeats the request it answers.
      return {
        status: 307,
        headers: { ...json, location: `http://127.0.0.1:9/elsewhere${request.path}` },
        text: JSON.stringify({ redirected: true, echo: { headers: request.headers, url: request.path } }),
      };
    case 'malformed-sse':
      return { headers: sse, chunks: [...wire.streamStart, wire.frame('{this is not json}'), ...wire.streamEnd] };
    case 'html-as-sse':
      return { headers: sse, chunks: [htmlPage] };
    case 'no-terminal-event':
      return { headers: sse, chunks: [...wire.streamStart, wire.textEvent(' there')] };
    case 'empty-stream':
      return { headers: sse, chunks: [] };
    case 'truncated-json':
      return { headers: json, text: answer.slice(0, Math.floor(answer.length / 2)) };
    case 'html':
      return { headers: { 'content-type': 'text/html' }, text: htmlPage };
    case 'echo-request-error':
      return { status: 400, headers: json, text: wire.error(`bad request; you sent ${JSON.stringify(request.headers)} to ${request.path}?${request.query}`) };
    case 'deep-json':
      // 100,000 levels: JSON.parse takes it, JSON.stringify (translating a tool call) overflows.
      return isStream(kind, request) ? { headers: sse, chunks: wire.deepStream(deepJson(100_000)) } : { headers: json, text: wire.deepAnswer(deepJson(100_000)) };
    case 'bogus-usage':
      return { headers: json, text: JSON.stringify(withBogusUsage(kind, JSON.parse(answer))) };
    case 'oversize-json':
      // A JSON answer padded with whitespace (still valid JSON) to `bytes`, written as the reader takes it.
      return { headers: json, chunks: [answer.slice(0, -1)], repeat: { piece: ' '.repeat(64 * 1024), times: Math.ceil(bytes / (64 * 1024)) } };
    case 'oversize-stream': {
      const event = wire.textEvent('more and more text ');
      return { headers: sse, chunks: wire.streamStart, repeat: { piece: event.repeat(64), times: Math.ceil(bytes / (event.length * 64)) } };
    }
    case 'oversize-event':
      // One event that never ends: its data grows until the reader stops it.
      return { headers: sse, chunks: [...wire.streamStart, 'data: {"padding":"'], repeat: { piece: 'a'.repeat(64 * 1024), times: Math.ceil(bytes / (64 * 1024)) } };
    case 'stall-before-headers':
      return { delayMs: 60_000, headers: json, text: answer };
    case 'stall-mid-body':
      return { headers: json, chunks: [answer.slice(0, 20)], stall: true };
    case 'stall-mid-stream':
      return { headers: sse, chunks: wire.streamStart, stall: true };
    default: {
      const unknown: never = fault;
      throw new Error(`unknown fault ${String(unknown)}`);
    }
  }
}

/** The answer with usage figures no bill can be built on, and an echoed header in its raw usage. */
function withBogusUsage(kind: ProviderKind, answer: Record<string, unknown>): Record<string, unknown> {
  switch (kind) {
    case 'openai':
      return { ...answer, usage: { prompt_tokens: -5, completion_tokens: 1e300, total_tokens: 'many', echoed: 'sk-fault-openai-key-0001' } };
    case 'anthropic':
      return { ...answer, usage: { input_tokens: '12', output_tokens: 2.5 } };
    case 'gemini':
      return { ...answer, usageMetadata: { promptTokenCount: 9, candidatesTokenCount: Number.MAX_SAFE_INTEGER } };
    default:
      return answer;
  }
}

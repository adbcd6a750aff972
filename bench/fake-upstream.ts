/**
 * bench/fake-upstream.ts — the benchmark's upstream: as cheap as an HTTP server can be.
 *
 * A raw `node:http` server (no framework, keep-alive on) that answers from precomputed buffers:
 *   POST /v1/chat/completions   OpenAI JSON with usage, or (body has `"stream":true`) SSE: a role
 *                               chunk, N content chunks, a finish chunk, a usage chunk, [DONE]
 *   POST /v1/messages           Anthropic Messages JSON, or SSE (message_start ... message_stop with
 *                               N text deltas); any key is accepted
 *   GET  /health                200
 * Stream chunks are written one `write()` each, immediately, so time to first byte measures
 * whoever sits in between. When the upstream model is `paced-<ms>x<n>` (e.g. `paced-10x16`) the
 * stream has n content chunks written <ms> apart instead — the bench uses it to check that a
 * gateway forwards every chunk as it arrives. `prompt_tokens` is the request body's bytes / 4.
 *
 * Run: npx tsx bench/fake-upstream.ts [--port 0] [--host 127.0.0.1] [--chunks 64] (the bench runs a
 * type-stripped copy under plain node: see bench/lib/transpile.ts). Prints one JSON line on stdout
 * once listening: {"message":"fake upstream listening","url":...}
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, chunks: { type: 'string', default: '64' } },
});
const defaultChunks = Number(values.chunks);
const created = 1_767_225_600;
const answerText = 'Hello from the Tollgate bench fake upstream.';

// --- OpenAI shapes -------------------------------------------------------------------------------

const openAIJsonHead =
  `{"id":"chatcmpl-bench","object":"chat.completion","created":${created},"model":"bench-upstream",` +
  `"choices":[{"index":0,"message":{"role":"assistant","content":${JSON.stringify(answerText)},"refusal":null},` +
  `"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":`;

function openAIJson(promptTokens: number): Buffer {
  return Buffer.from(`${openAIJsonHead}${promptTokens},"completion_tokens":8,"total_tokens":${promptTokens + 8}}}`);
}

const chunkHead = `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":${created},"model":"bench-upstream",`;
const openAIRole = Buffer.from(`${chunkHead}"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n`);
const openAIFinish = Buffer.from(`${chunkHead}"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`);
const openAIDone = Buffer.from('data: [DONE]\n\n');

function openAIContent(count: number): Buffer[] {
  return Array.from({ length: count }, (_, index) =>
    Buffer.from(`${chunkHead}"choices":[{"index":0,"delta":{"content":"tok${index} "},"finish_reason":null}]}\n\n`),
  );
}

function openAIUsage(promptTokens: number, completionTokens: number): Buffer {
  return Buffer.from(
    `${chunkHead}"choices":[],"usage":{"prompt_tokens":${promptTokens},"completion_tokens":${completionTokens},"total_tokens":${promptTokens + completionTokens}}}\n\n`,
  );
}

// --- Anthropic shapes ----------------------------------------------------------------------------

function anthropicJson(inputTokens: number): Buffer {
  return Buffer.from(
    `{"model":"bench-upstream","id":"msg_bench","type":"message","role":"assistant","content":[{"type":"text","text":${JSON.stringify(answerText)}}],` +
      `"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":${inputTokens},"cache_creation_input_tokens":0,` +
      `"cache_read_input_tokens":0,"output_tokens":8,"service_tier":"standard"}}`,
  );
}

const event = (name: string, data: string) => Buffer.from(`event: ${name}\ndata: ${data}\n\n`);
function anthropicStart(inputTokens: number): Buffer {
  return event(
    'message_start',
    `{"type":"message_start","message":{"model":"bench-upstream","id":"msg_bench","type":"message","role":"assistant","content":[],` +
      `"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":${inputTokens},"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1,"service_tier":"standard"}}}`,
  );
}
const anthropicBlockStart = Buffer.concat([
  event('content_block_start', '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'),
  event('ping', '{"type": "ping"}'),
]);
function anthropicDeltas(count: number): Buffer[] {
  return Array.from({ length: count }, (_, index) =>
    event('content_block_delta', `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"tok${index} "}}`),
  );
}
function anthropicEnd(outputTokens: number): Buffer {
  return Buffer.concat([
    event('content_block_stop', '{"type":"content_block_stop","index":0}'),
    event('message_delta', `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":${outputTokens}}}`),
    event('message_stop', '{"type":"message_stop"}'),
  ]);
}

// Precomputed for the default chunk count; paced streams build their own (rare, off the fast path).
const openAIChunks = openAIContent(defaultChunks);
const anthropicChunks = anthropicDeltas(defaultChunks);
const anthropicEndDefault = anthropicEnd(defaultChunks);

const jsonHeaders = { 'content-type': 'application/json' };
const sseHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };
const streamMarker = Buffer.from('"stream":true');
const pacedMarker = Buffer.from('"paced-');

/** `paced-<ms>x<n>` in the body: a stream of n chunks written ms apart. */
function pacing(body: Buffer): { delayMs: number; chunks: number } | undefined {
  const at = body.indexOf(pacedMarker);
  if (at < 0) return undefined;
  const match = /^"paced-(\d+)x(\d+)"/.exec(body.subarray(at, at + 40).toString('latin1'));
  return match ? { delayMs: Number(match[1]), chunks: Number(match[2]) } : undefined;
}

function writeSequence(response: ServerResponse, pieces: Buffer[], delayMs: number): void {
  if (delayMs === 0) {
    for (const piece of pieces.slice(0, -1)) response.write(piece);
    response.end(pieces[pieces.length - 1]);
    return;
  }
  let index = 0;
  const next = () => {
    if (response.destroyed) return;
    const piece = pieces[index++];
    if (index === pieces.length) response.end(piece);
    else {
      response.write(piece);
      setTimeout(next, delayMs); // every piece, the opening and the closing frames too, delayMs apart
    }
  };
  next();
}

function answer(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  const url = request.url ?? '/';
  if (request.method === 'GET' && url === '/health') {
    response.writeHead(200, jsonHeaders).end('{"ok":true}');
    return;
  }
  const promptTokens = Math.max(1, Math.ceil(body.length / 4));
  const streamed = body.indexOf(streamMarker) >= 0;
  if (request.method === 'POST' && url === '/v1/chat/completions') {
    if (!streamed) {
      const payload = openAIJson(promptTokens);
      response.writeHead(200, { ...jsonHeaders, 'content-length': payload.length }).end(payload);
      return;
    }
    const paced = pacing(body);
    const content = paced ? openAIContent(paced.chunks) : openAIChunks;
    response.writeHead(200, sseHeaders);
    writeSequence(response, [openAIRole, ...content, Buffer.concat([openAIFinish, openAIUsage(promptTokens, content.length), openAIDone])], paced?.delayMs ?? 0);
    return;
  }
  if (request.method === 'POST' && url.startsWith('/v1/messages')) {
    if (!streamed) {
      const payload = anthropicJson(promptTokens);
      response.writeHead(200, { ...jsonHeaders, 'content-length': payload.length, 'request-id': 'req_bench' }).end(payload);
      return;
    }
    const paced = pacing(body);
    const deltas = paced ? anthropicDeltas(paced.chunks) : anthropicChunks;
    const end = paced ? anthropicEnd(paced.chunks) : anthropicEndDefault;
    response.writeHead(200, { ...sseHeaders, 'request-id': 'req_bench' });
    writeSequence(response, [Buffer.concat([anthropicStart(promptTokens), anthropicBlockStart]), ...deltas, end], paced?.delayMs ?? 0);
    return;
  }
  response.writeHead(404, jsonHeaders).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
}

const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, (request, response) => {
  const parts: Buffer[] = [];
  request.on('data', (part: Buffer) => parts.push(part));
  request.on('end', () => answer(request, response, parts.length === 1 ? parts[0] : Buffer.concat(parts)));
});
server.headersTimeout = 130_000;
server.listen(Number(values.port), values.host, () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ message: 'fake upstream listening', url: `http://${values.host}:${port}`, pid: process.pid })}\n`);
});
const stop = () => server.close(() => process.exit(0)).closeAllConnections();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

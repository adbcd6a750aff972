/**
 * Hostile connections (issue 9, "Also"): a body that never completes is cut off after
 * `server.bodyTimeoutMs` with a 408 in the OpenAI shape; a client hanging up mid-body is not an
 * error in the log; what Node's HTTP parser rejects is answered in the OpenAI shape.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectSpecValid } from '../helpers/openapi.js';
import { startTestGateway, testKey, type TestGateway } from '../helpers/start-gateway.js';

let gateway: TestGateway;
let logLines: string[] = [];
const writeToStderr = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  gateway = await startTestGateway({
    server: { bodyTimeoutMs: 400 },
    providers: { demo: { type: 'mock' } },
    models: { demo: { provider: 'demo', model: 'echo' } },
  });
  // The gateway logs JSON lines to stderr from this process: keep them for the assertions.
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logLines.push(String(chunk));
    return (writeToStderr as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
});
afterAll(async () => {
  process.stderr.write = writeToStderr;
  await gateway?.close();
});
afterEach(() => {
  logLines = [];
});

/** Opens a raw connection, writes `text`, and resolves with everything the server sent before closing. */
function rawExchange(text: string | Buffer, options: { hangUpAfterMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(gateway.port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.write(text);
    if (options.hangUpAfterMs !== undefined) setTimeout(() => socket.destroy(), options.hangUpAfterMs);
  });
}

/** Splits a raw HTTP answer into its status and parsed JSON body, checking the error shape. */
function parseAnswer(raw: string): { status: number; body: any } {
  const [head, body] = raw.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  expect(head).toMatch(/content-type: application\/json/i);
  const parsed = JSON.parse(body);
  expectSpecValid('ErrorResponse', parsed);
  return { status, body: parsed };
}

const chatHead = (length: number) =>
  `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${testKey}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('a body that never completes', () => {
  it('is answered 408 request_timeout after bodyTimeoutMs, and the connection closed', async () => {
    const started = performance.now();
    const answer = await rawExchange(`${chatHead(500)}{"model":"demo",`);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(5_000);
    const { status, body } = parseAnswer(answer);
    expect(status).toBe(408);
    expect(body.error.code).toBe('request_timeout');
    expect(logLines.join('')).not.toMatch(/unexpected error|"level":"error"/);
  });

  it('does not cut off a stream that outlives the body timeout', async () => {
    const slow = await startTestGateway({
      server: { bodyTimeoutMs: 200 },
      providers: { drip: { type: 'mock', chunkDelayMs: 100, chunks: 8, completionTokens: 16 } },
      models: { drip: { provider: 'drip', model: 'lorem' } },
    });
    try {
      const stream = await slow.client.chat.completions.create({ model: 'drip', stream: true, messages: [{ role: 'user', content: 'slowly' }] });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text.split(' ')).toHaveLength(16);
    } finally {
      await slow.close();
    }
  });
});

describe('a client hanging up mid-body', () => {
  it('is logged at most as a quiet debug line, never as an unexpected error', async () => {
    await rawExchange(`${chatHead(10_000)}{"model":"demo","messages":[`, { hangUpAfterMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const log = logLines.join('');
    expect(log).not.toMatch(/unexpected error/);
    expect(log).not.toMatch(/"level":"(error|warn)"/);
    expect(log).not.toMatch(/\n\s+at /);
  });
});

describe('requests Node cannot read', () => {
  it('answers a malformed request line with 400 in the OpenAI shape', async () => {
    const { status, body } = parseAnswer(await rawExchange('GARBAGE / HTTP/1.1\r\n\r\n'));
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_http_request');
  });

  it('answers a malformed header with 400 in the OpenAI shape', async () => {
    const { status } = parseAnswer(await rawExchange('GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n'));
    expect(status).toBe(400);
  });

  it('answers oversized headers with 431 in the OpenAI shape', async () => {
    const { status, body } = parseAnswer(await rawExchange(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`));
    expect(status).toBe(431);
    expect(body.error.code).toBe('request_headers_too_large');
  });

  it('answers an HTTP/1.1 request without Host with 400 in the OpenAI shape', async () => {
    const { status, body } = parseAnswer(await rawExchange('GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n'));
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/Host/);
  });

  it('answers a bad chunk size with 400 in the OpenAI shape', async () => {
    const request = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${testKey}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`;
    const { status } = parseAnswer(await rawExchange(request));
    expect(status).toBe(400);
  });

  it('keeps serving', async () => {
    const response = await fetch(`${gateway.url}/healthz`);
    expect(response.status).toBe(200);
  });
});

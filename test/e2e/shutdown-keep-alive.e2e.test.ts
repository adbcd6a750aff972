/**
 * SIGTERM with keep-alive clients: no client sees a connection reset. Responses written during
 * the shutdown carry `Connection: close`, so their clients do not reuse the socket; a client that
 * sends its next request the moment a stream (begun before the signal) ends is still answered;
 * idle keep-alive sockets are closed with a FIN, not a reset; and once the process is gone, a new
 * request is refused — never sent into a dying socket.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';

const tenantKey = 'tg_keep_alive_key_0123456789ab';
let gateway: SpawnedGateway | undefined;
afterAll(async () => {
  await gateway?.stop('SIGKILL');
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  socket: Socket;
}

function chat(agent: Agent, url: string, model: string, stream = false): Promise<Answer> {
  const body = JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hello' }] });
  return new Promise((resolve, reject) => {
    const outgoing = request(`${url}/v1/chat/completions`, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenantKey}`, 'content-length': Buffer.byteLength(body) },
    });
    outgoing.once('error', reject);
    outgoing.once('response', (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (piece: string) => (text += piece));
      incoming.once('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: text, socket: outgoing.socket as Socket }));
      incoming.once('error', reject);
    });
    outgoing.end(body);
  });
}

describe('SIGTERM with keep-alive clients', () => {
  it('answers with Connection: close, serves a request that follows a stream at once, closes idle sockets with a FIN, never resets', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-keep-alive-'));
    gateway = await spawnGateway(
      join(dataDir, 'tollgate.yaml'),
      `
server: { host: 127.0.0.1, shutdownGraceMs: 10000 }
providers:
  fast: { type: mock, completionTokens: 4 }
  slow: { type: mock, latencyMs: 1500, completionTokens: 4 }
  dribble: { type: mock, chunkDelayMs: 200, chunks: 8, completionTokens: 8 }
models:
  fast: { provider: fast, model: lorem }
  slow: { provider: slow, model: lorem }
  dribble: { provider: dribble, model: lorem }
tenants:
  load: { keys: [{ name: main, key: ${tenantKey} }] }
storage: { sqlite: ${join(dataDir, 'tollgate.db')} }
`,
    );
    const url = gateway.url;
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const socketErrors: Error[] = [];
    const closedCleanly: boolean[] = [];
    const createConnection = agent.createConnection.bind(agent);
    agent.createConnection = ((...args: Parameters<typeof createConnection>) => {
      const socket = createConnection(...args) as Socket;
      socket.on('error', (error) => socketErrors.push(error));
      socket.once('close', (hadError) => closedCleanly.push(!hadError));
      return socket;
    }) as typeof agent.createConnection;

    // Three keep-alive sockets, idle in the pool.
    const warm = await Promise.all([chat(agent, url, 'fast'), chat(agent, url, 'fast'), chat(agent, url, 'fast')]);
    for (const answer of warm) expect(answer.headers.connection).toBe('keep-alive');
    // A slow call and a dribbling stream in flight, then the signal.
    const slow = chat(agent, url, 'slow');
    const stream = chat(agent, url, 'dribble', true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const exitCode = gateway.stop('SIGTERM');

    const slowAnswer = await slow;
    expect(slowAnswer.status).toBe(200);
    expect(slowAnswer.headers.connection).toBe('close');
    const streamAnswer = await stream;
    expect(streamAnswer.status).toBe(200);
    expect(streamAnswer.body.endsWith('data: [DONE]\n\n')).toBe(true);
    // The stream's headers went out before the signal, so its socket is still keep-alive: the
    // client's next request goes on it at once, and is answered (with Connection: close).
    const next = await chat(agent, url, 'fast');
    expect(next.socket).toBe(streamAnswer.socket);
    expect(next.status).toBe(200);
    expect(next.headers.connection).toBe('close');

    expect(await exitCode).toBe(0);
    // Every socket was closed, and closed cleanly.
    await expect.poll(() => closedCleanly.length).toBe(3);
    expect(closedCleanly.every(Boolean)).toBe(true);
    expect(socketErrors).toEqual([]);
    // Gone: a new request is refused outright, not reset half-way.
    const refused = await chat(agent, url, 'fast').catch((error: NodeJS.ErrnoException) => error);
    expect((refused as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    agent.destroy();
  }, 120_000);
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { postUpstream } from './http-client.js';
import { readBodyText, readErrorText, upstreamSseDecoder } from './upstream-response.js';

let server: Server;
let url: string;
const dispatcher = new Agent();

beforeAll(async () => {
  server = createServer((incoming, outgoing) => {
    const path = incoming.url ?? '/';
    if (path === '/redirect') {
      outgoing.writeHead(302, { location: 'https://elsewhere.example/steal', 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ echoed: incoming.headers.authorization }));
      return;
    }
    if (path === '/declared-large') {
      outgoing.writeHead(200, { 'content-length': String(10_000_000), 'content-type': 'application/json' });
      outgoing.write('{"a":"');
      return; // never finishes: the reader must not wait for it
    }
    if (path === '/endless') {
      outgoing.writeHead(200, { 'content-type': 'application/json' });
      const piece = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!outgoing.destroyed && outgoing.write(piece));
        if (!outgoing.destroyed) outgoing.once('drain', pump);
      };
      pump();
      return;
    }
    if (path === '/cut') {
      outgoing.writeHead(200, { 'content-type': 'application/json' });
      outgoing.write('{"a":');
      setTimeout(() => incoming.socket.destroy(), 10);
      return;
    }
    if (path === '/pieces') {
      outgoing.writeHead(200, { 'content-type': 'application/json' });
      // "ü" split between the two pieces.
      const bytes = Buffer.from('{"text":"Grüße"}');
      outgoing.write(bytes.subarray(0, 12));
      setTimeout(() => outgoing.end(bytes.subarray(12)), 10);
      return;
    }
    outgoing.writeHead(500);
    outgoing.end('x'.repeat(200_000));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await dispatcher.close();
});

const post = (path: string) =>
  postUpstream({ provider: 'up', url: `${url}${path}`, headers: { authorization: 'Bearer sk-secret' }, body: '{}', signal: new AbortController().signal, dispatcher });

describe('upstream responses', () => {
  it('refuses a redirect as a 502 that says neither where it pointed nor what it said', async () => {
    const error: any = await post('/redirect').catch((caught) => caught);
    expect(error).toMatchObject({ status: 502, type: 'upstream_error', code: 'upstream_redirect' });
    expect(error.message).not.toMatch(/elsewhere|sk-secret/);
  });

  it('refuses an answer whose declared length is over the limit before reading it', async () => {
    const response = await post('/declared-large');
    const started = Date.now();
    await expect(readBodyText('up', response, 1_000_000, new AbortController().signal)).rejects.toMatchObject({ status: 502, code: 'upstream_response_too_large' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops reading an endless answer at the limit, holding no more than the limit', async () => {
    const response = await post('/endless');
    const before = process.memoryUsage().arrayBuffers;
    await expect(readBodyText('up', response, 2_000_000, new AbortController().signal)).rejects.toMatchObject({ code: 'upstream_response_too_large' });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32_000_000);
  });

  it('reads an answer that comes in pieces', async () => {
    const response = await post('/pieces');
    expect(await readBodyText('up', response, 1_000_000, new AbortController().signal)).toBe('{"text":"Grüße"}');
  });

  it('fails an answer cut in the middle, or closed before it was read, as unreachable rather than waiting', async () => {
    const cut = await post('/cut');
    await expect(readBodyText('up', cut, 1_000_000, new AbortController().signal)).rejects.toMatchObject({ status: 502, code: 'upstream_unreachable' });
    const closed = await post('/pieces');
    closed.body.on('error', () => undefined);
    closed.body.destroy();
    await expect(readBodyText('up', closed, 1_000_000, new AbortController().signal)).rejects.toMatchObject({ status: 502, code: 'upstream_unreachable' });
  });

  it('reads at most 64 KiB of an error body', async () => {
    const response = await request(`${url}/error`, { method: 'POST', dispatcher });
    expect((await readErrorText(response)).length).toBe(64 * 1024);
  });

  it('bounds a stream in total and per event', () => {
    const limits = { maxResponseBytes: 1, maxStreamBytes: 1_000, maxEventBytes: 100 };
    const event = upstreamSseDecoder('up', limits);
    expect(() => event.push(new TextEncoder().encode(`data: ${'a'.repeat(150)}`))).toThrow(expect.objectContaining({ code: 'upstream_response_too_large' }));
    const lines = upstreamSseDecoder('up', limits);
    // Many data lines of one event add up, even though each line is short.
    expect(() => {
      for (let line = 0; line < 20; line++) lines.push(new TextEncoder().encode(`data: ${'b'.repeat(10)}\n`));
    }).toThrow(expect.objectContaining({ message: expect.stringContaining('stream event') }));
    const total = upstreamSseDecoder('up', limits);
    expect(() => {
      for (let event = 0; event < 100; event++) total.push(new TextEncoder().encode(`data: {"n":${event}}\n\n`));
    }).toThrow(expect.objectContaining({ message: expect.stringContaining('a stream larger') }));
  });
});

/**
 * 100 MB up and 100 MB down through a REST service, in a separate gateway process whose resident
 * memory is sampled while the bytes flow: streaming, not buffering, keeps its growth under 50 MB.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type SpawnedGateway } from '../helpers/spawn-gateway.js';
import { startRestTarget, type RestTarget } from '../fakes/rest-target.js';

const key = 'tg_large_bodies_key_0123456789';
const size = 100 * 1024 * 1024;
let gateway: SpawnedGateway;
let target: RestTarget;

beforeAll(async () => {
  target = await startRestTarget('files');
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-large-bodies-'));
  gateway = await spawnGateway(
    join(dataDir, 'tollgate.yaml'),
    `providers: { demo: { type: mock } }
storage: { sqlite: ${join(dataDir, 'tollgate.db')} }
logs: { access: { enabled: false } }
tenants:
  acme:
    keys: [{ name: ci, key: ${key} }]
services:
  files:
    mount: /files
    stripPrefix: true
    targets: [{ url: "${target.url}" }]
`,
  );
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await target?.close();
});

function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

/** Runs `transfer` while sampling the gateway's RSS; returns the growth over the level before. */
async function rssGrowthDuring(transfer: () => Promise<void>): Promise<number> {
  const pid = gateway.process.pid!;
  const before = residentBytes(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(pid))), 20);
  try {
    await transfer();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, residentBytes(pid)) - before;
}

function zeros(total: number): Readable {
  const chunk = Buffer.alloc(256 * 1024);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
      sent += piece.length;
      this.push(piece);
    },
  });
}

describe('large bodies through a REST service', () => {
  it('warms up', async () => {
    // The first transfers compile code and grow the heap to its working size (measured: the 3rd
    // and later 100 MB uploads add nothing); growth is measured after a 20 MB round each way.
    const upload = await request(`${gateway.url}/files/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-length': String(20 * 1024 * 1024) },
      body: zeros(20 * 1024 * 1024),
    });
    expect(await upload.body.json()).toEqual({ bytes: 20 * 1024 * 1024 });
    const download = await request(`${gateway.url}/files/download?bytes=${20 * 1024 * 1024}`, { headers: { authorization: `Bearer ${key}` } });
    await download.body.dump({ limit: 21 * 1024 * 1024 });
    expect(download.statusCode).toBe(200);
  });

  it('streams a 100 MB upload with RSS growth under 50 MB', async () => {
    let answer: unknown;
    const growth = await rssGrowthDuring(async () => {
      const response = await request(`${gateway.url}/files/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream', 'content-length': String(size) },
        body: zeros(size),
      });
      answer = await response.body.json();
    });
    expect(answer).toEqual({ bytes: size });
    expect(growth).toBeLessThan(50 * 1024 * 1024);
  });

  it('streams a 100 MB download with RSS growth under 50 MB', async () => {
    let received = 0;
    const growth = await rssGrowthDuring(async () => {
      const response = await request(`${gateway.url}/files/download?bytes=${size}`, { headers: { authorization: `Bearer ${key}` } });
      for await (const chunk of response.body) received += (chunk as Buffer).byteLength;
    });
    expect(received).toBe(size);
    expect(growth).toBeLessThan(50 * 1024 * 1024);
  });
});

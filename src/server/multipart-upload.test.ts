import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { multipartBody, receiveMultipart } from './multipart-upload.js';

const boundary = 'b0undary';
const fileBytes = Buffer.concat([Buffer.from('RIFF\r\n--b0und'), Buffer.from([0, 255, 13, 10, 45, 45]), Buffer.from('ary-not-quite 日本語 🎉')]);
const body = Buffer.concat([
  Buffer.from(`preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper\r\n`),
  Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`),
  fileBytes,
  Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="language"\r\n\r\nDeutsch — ü\r\n--${boundary}--\r\n`),
]);

async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

describe('receiveMultipart', () => {
  it.each([1, 2, 3, 7, 13, 4096])('reads fields and streams the file to disk whatever the %i-byte splits', async (size) => {
    const upload = await receiveMultipart(pieces(body, size), `multipart/form-data; boundary=${boundary}`, 1 << 20);
    try {
      expect(upload.fields).toEqual([
        ['model', 'whisper'],
        ['language', 'Deutsch — ü'],
      ]);
      expect(upload.files).toHaveLength(1);
      expect(upload.files[0]).toMatchObject({ field: 'file', filename: 'a.wav', contentType: 'audio/wav', size: fileBytes.length });
      expect(await readFile(upload.files[0].path)).toEqual(fileBytes);
      const rebuilt: Buffer[] = [];
      for await (const chunk of multipartBody('again', upload.fields, upload.files)) rebuilt.push(Buffer.from(chunk));
      const again = await receiveMultipart(pieces(Buffer.concat(rebuilt), 5), 'multipart/form-data; boundary=again', 1 << 20);
      expect(again.fields).toEqual(upload.fields);
      expect(await readFile(again.files[0].path)).toEqual(fileBytes);
      await again.dispose();
    } finally {
      await upload.dispose();
    }
  });

  it('stops at the size limit with a 413, and refuses a body without its closing boundary', async () => {
    await expect(receiveMultipart(pieces(body, 10), `multipart/form-data; boundary=${boundary}`, 50)).rejects.toMatchObject({ status: 413 });
    await expect(receiveMultipart(pieces(body.subarray(0, body.length - 20), 10), `multipart/form-data; boundary=${boundary}`, 1 << 20)).rejects.toMatchObject({ status: 400 });
    await expect(receiveMultipart(pieces(body, 10), 'application/json', 1 << 20)).rejects.toMatchObject({ status: 400 });
  });

  it('reads a malformed form to its end (within the limit) before refusing it, so the client still sending gets the answer', async () => {
    const longHeader = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\nx\r\n`), Buffer.alloc(50_000, 0x41), Buffer.from(`\r\n--${boundary}--\r\n`)]);
    let read = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of pieces(longHeader, 1_000)) {
        read += chunk.byteLength;
        yield chunk;
      }
    }
    await expect(receiveMultipart(counted(), `multipart/form-data; boundary=${boundary}`, 1 << 20)).rejects.toMatchObject({ status: 400 });
    expect(read).toBe(longHeader.length);
    read = 0;
    await expect(receiveMultipart(counted(), `multipart/form-data; boundary=${boundary}`, 30_000)).rejects.toMatchObject({ status: 400 });
    expect(read).toBeLessThanOrEqual(31_000);
  });
});

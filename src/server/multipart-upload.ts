/**
 * @module server/multipart-upload
 * Receives a `multipart/form-data` upload (an audio file and its fields) as it streams in: text
 * fields are kept (bounded), file parts go straight to a temporary file, so a 25 MB upload never
 * sits in memory; past the size limit the upload is cut off with a 413 at once. `multipartBody`
 * writes the form again — fields first, then the files streamed from disk — for the upstream.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayError } from '../errors/gateway-error.js';

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  path: string;
  size: number;
}

export interface MultipartUpload {
  fields: Array<[name: string, value: string]>;
  files: UploadedFile[];
  /** Removes the temporary files. */
  dispose(): Promise<void>;
}

const maxFieldBytes = 64 * 1024;
const maxFields = 64;
const maxFiles = 4;
const maxHeaderBytes = 16 * 1024;

function badUpload(message: string): GatewayError {
  return new GatewayError(400, message, { code: 'invalid_multipart' });
}

export function boundaryOf(contentType: string | undefined): string {
  const match = /^multipart\/form-data\s*;.*\bboundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType ?? '');
  if (!match) throw badUpload('Send the upload as multipart/form-data with a boundary.');
  return match[1] ?? match[2];
}

export async function receiveMultipart(body: AsyncIterable<Uint8Array> | null, contentType: string | undefined, limit: number): Promise<MultipartUpload> {
  const boundary = boundaryOf(contentType);
  const folder = await mkdtemp(join(tmpdir(), 'tollgate-upload-'));
  const upload: MultipartUpload = { fields: [], files: [], dispose: () => rm(folder, { recursive: true, force: true }) };
  const parser = new MultipartParser(Buffer.from(`\r\n--${boundary}`), folder, upload);
  const chunks = (body ?? noBody())[Symbol.asyncIterator]();
  let total = 0;
  const tooLarge = () => new GatewayError(413, `The upload is larger than the ${limit} bytes allowed.`, { code: 'request_too_large' });
  try {
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      total += next.value.byteLength;
      if (total > limit) throw tooLarge();
      await parser.push(next.value);
    }
    await parser.finish();
    return upload;
  } catch (error) {
    await parser.abandon();
    await upload.dispose();
    // A malformed form within the size limit: read (and drop) the rest of it, so the client,
    // still sending, reads the 400 instead of a connection closed under it. Bounded by the limit.
    if (error instanceof GatewayError && error.status === 400) await discardRest(chunks, limit - total);
    await chunks.return?.().catch(() => undefined);
    throw error;
  }
}

async function* noBody(): AsyncGenerator<Uint8Array> {}

/** Reads up to `allowance` more bytes and drops them; a client gone away ends it quietly. */
async function discardRest(chunks: AsyncIterator<Uint8Array>, allowance: number): Promise<void> {
  try {
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      allowance -= next.value.byteLength;
      if (allowance < 0) return;
    }
  } catch {
    // the client went away: nobody is left to answer
  }
}

type State = 'seek' | 'after-delimiter' | 'headers' | 'body' | 'done';

class MultipartParser {
  // A leading CRLF lets the first boundary be found like every later one.
  private buffer: Buffer = Buffer.from('\r\n');
  private state: State = 'seek';
  private part: { name: string; file?: { handle: FileHandle; record: UploadedFile }; text?: Buffer[]; size: number } | undefined;

  constructor(
    private readonly delimiter: Buffer,
    private readonly folder: string,
    private readonly upload: MultipartUpload,
  ) {}

  async push(chunk: Uint8Array): Promise<void> {
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    for (;;) if (!(await this.step())) return;
  }

  async finish(): Promise<void> {
    if (this.state !== 'done') throw badUpload('The multipart body ended before its closing boundary.');
  }

  async abandon(): Promise<void> {
    await this.part?.file?.handle.close().catch(() => undefined);
  }

  /** Advances once; false when more bytes are needed. */
  private async step(): Promise<boolean> {
    switch (this.state) {
      case 'seek': {
        const at = this.buffer.indexOf(this.delimiter);
        if (at === -1) {
          this.buffer = this.buffer.subarray(Math.max(0, this.buffer.length - this.delimiter.length + 1));
          return false;
        }
        this.buffer = this.buffer.subarray(at + this.delimiter.length);
        this.state = 'after-delimiter';
        return true;
      }
      case 'after-delimiter': {
        if (this.buffer.length < 2) return false;
        const next = this.buffer.toString('latin1', 0, 2);
        this.buffer = this.buffer.subarray(2);
        if (next === '--') this.state = 'done';
        else if (next === '\r\n') this.state = 'headers';
        else throw badUpload('The multipart body is malformed after a boundary.');
        return this.state !== 'done';
      }
      case 'headers': {
        const end = this.buffer.indexOf('\r\n\r\n');
        // The bound holds however the bytes were split: whole headers in one chunk are measured too.
        if ((end === -1 ? this.buffer.length : end) > maxHeaderBytes) throw badUpload('A multipart part has headers that are too long.');
        if (end === -1) return false;
        await this.startPart(this.buffer.toString('utf8', 0, end));
        this.buffer = this.buffer.subarray(end + 4);
        this.state = 'body';
        return true;
      }
      case 'body': {
        const at = this.buffer.indexOf(this.delimiter);
        const safe = at === -1 ? this.buffer.length - this.delimiter.length + 1 : at;
        if (safe > 0) await this.write(this.buffer.subarray(0, safe));
        this.buffer = this.buffer.subarray(Math.max(0, safe));
        if (at === -1) return false;
        this.buffer = this.buffer.subarray(this.delimiter.length);
        await this.endPart();
        this.state = 'after-delimiter';
        return true;
      }
      case 'done':
        return false;
    }
  }

  private async startPart(headerText: string): Promise<void> {
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headerText)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw badUpload('A multipart part has no form-data name.');
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    if (filename === undefined) {
      if (this.upload.fields.length >= maxFields) throw badUpload(`At most ${maxFields} form fields are accepted.`);
      this.part = { name, text: [], size: 0 };
      return;
    }
    if (this.upload.files.length >= maxFiles) throw badUpload(`At most ${maxFiles} files are accepted.`);
    const contentType = /^content-type:\s*(.+)$/im.exec(headerText)?.[1]?.trim() ?? 'application/octet-stream';
    const path = join(this.folder, `part-${this.upload.files.length}`);
    const record: UploadedFile = { field: name, filename: filename.replace(/[\r\n"]/g, ''), contentType, path, size: 0 };
    this.part = { name, file: { handle: await open(path, 'w'), record }, size: 0 };
  }

  private async write(bytes: Buffer): Promise<void> {
    const part = this.part;
    if (!part) return;
    part.size += bytes.length;
    if (part.file) {
      await part.file.handle.write(bytes);
      return;
    }
    if (part.size > maxFieldBytes) throw badUpload(`The form field \`${part.name}\` is longer than ${maxFieldBytes} bytes.`);
    part.text!.push(Buffer.from(bytes));
  }

  private async endPart(): Promise<void> {
    const part = this.part;
    this.part = undefined;
    if (!part) return;
    if (part.file) {
      await part.file.handle.close();
      part.file.record.size = part.size;
      this.upload.files.push(part.file.record);
    } else this.upload.fields.push([part.name, Buffer.concat(part.text!).toString('utf8')]);
  }
}

/** The form written again for the upstream: the fields, then each file streamed from disk. */
export async function* multipartBody(boundary: string, fields: Array<[string, string]>, files: UploadedFile[]): AsyncGenerator<Uint8Array> {
  for (const [name, value] of fields) {
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name.replace(/"/g, '%22')}"\r\n\r\n${value}\r\n`);
  }
  for (const file of files) {
    yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType.replace(/[\r\n]/g, '')}\r\n\r\n`);
    for await (const chunk of createReadStream(file.path)) yield chunk as Buffer;
    yield Buffer.from('\r\n');
  }
  yield Buffer.from(`--${boundary}--\r\n`);
}

/**
 * @module test/helpers/pieces-server
 * A server that answers every request with one fixed body cut into pieces of a few bytes — through
 * lines, CRLF pairs and multi-byte characters — with a turn of the event loop between pieces so each is its own
 * network read. An official SDK pointed at it judges whether a stream encoder's bytes survive any
 * split, the way the real network may deliver them.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PiecesServer {
  url: string;
  close(): Promise<void>;
}

export async function servePieces(body: string, pieceBytes: number, contentType = 'text/event-stream'): Promise<PiecesServer> {
  const bytes = Buffer.from(body, 'utf8');
  const server = createServer(async (request, response) => {
    for await (const _ of request);
    response.writeHead(200, { 'content-type': contentType });
    for (let start = 0; start < bytes.length; start += pieceBytes) {
      response.write(bytes.subarray(start, start + pieceBytes));
      await new Promise((resolve) => setImmediate(resolve));
    }
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

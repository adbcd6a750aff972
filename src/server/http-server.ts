/**
 * @module server/http-server
 * The Node HTTP server in front of the Hono app, and what must be answered below Hono, in the
 * OpenAI error shape (the route's own protocol shape once the request line is known) and never
 * with an empty body:
 *
 * - a request that takes longer than `server.bodyTimeoutMs` to arrive whole (headers and body) is
 *   answered 408 `request_timeout` and its connection closed. Node's `requestTimeout` measures
 *   only the receipt of the request: a stream answering for minutes is not affected. Node checks
 *   it every `connectionsCheckingInterval` (30 s by default, far too coarse), here a quarter of
 *   the timeout, at most a second;
 * - a request Node's parser rejects (malformed request line or headers, oversized headers, a bad
 *   chunk) gets 400 (431, 413) on the socket, where the socket is still writable and no answer
 *   has begun (`clientError`); a client that reset the connection gets nothing and no log line;
 * - an HTTP/1.1 request without `Host`, or with a `Host` no URL can be made of, gets 400.
 */
import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { GatewayError } from '../errors/gateway-error.js';
import { errorResponse, toGatewayError, type ErrorBodyWriter } from '../errors/render-error.js';
import { errorBodyWriterForPath } from './protocol-errors.js';
import { logger } from '../logging/logger.js';

export interface HttpServerOptions {
  /** The host the server listens on: the URL host of a request whose `Host` cannot be used. */
  hostname: string;
  bodyTimeoutMs: number;
}

type Fetch = (request: Request) => Response | Promise<Response>;

/** Node's own limit for the headers alone, unless the whole request must arrive sooner. */
const headersTimeoutMs = 60_000;

export function createHttpServer(fetch: Fetch, { hostname, bodyTimeoutMs }: HttpServerOptions): Server {
  const listener = getRequestListener(fetch, { hostname, errorHandler: unusableRequest });
  const server = createServer(
    {
      requestTimeout: bodyTimeoutMs,
      headersTimeout: Math.min(headersTimeoutMs, bodyTimeoutMs),
      connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(bodyTimeoutMs / 4))),
      // Node would answer a missing Host with an empty 400; the handler below answers it in our shape.
      requireHostHeader: false,
    },
    (incoming, outgoing) => {
      if (incoming.headers.host === undefined && incoming.httpVersion === '1.1') {
        const body = errorBody(400, 'An HTTP/1.1 request must carry a Host header.', 'invalid_http_request');
        outgoing.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
        outgoing.end(body);
        return;
      }
      void listener(incoming, outgoing);
    },
  );
  server.on('clientError', answerClientError);
  return server;
}

/** The Node adapter could not make a `Request` of what arrived (a `Host` that is no host name). */
function unusableRequest(error: unknown): Response {
  if (error instanceof Error && error.name === 'RequestError') {
    return errorResponse(new GatewayError(400, 'The request line or Host header does not make a valid URL.', { code: 'invalid_http_request' }));
  }
  return errorResponse(toGatewayError(error));
}

interface ClientErrorAnswer {
  status: number;
  message: string;
  code: string;
}

function describeClientError(code: string | undefined): ClientErrorAnswer {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'The request did not arrive in time; the connection is closed.', code: 'request_timeout' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'The request headers are too large.', code: 'request_headers_too_large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'The request body has oversized chunk extensions.', code: 'request_too_large' };
    default:
      return { status: 400, message: 'The request is not valid HTTP/1.1 and could not be read.', code: 'invalid_http_request' };
  }
}

/**
 * Node hands over the socket itself: an answer is written as raw HTTP, only while the socket is
 * writable and no response has begun on it (Node's own rule for its default answer), then the
 * connection is closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  const code = error.code;
  const responseStarted = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  // A client that reset the connection, or closed it in the middle of its request, has left.
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'HPE_INVALID_EOF_STATE' || !socket.writable || responseStarted) {
    socket.destroy();
    return;
  }
  const answer = describeClientError(code);
  logger.debug('answered a request Node could not read', { code, status: answer.status });
  // A request whose head was read (a body that did not arrive in time) is answered in its route's protocol shape.
  const path = (socket as Socket & { _httpMessage?: { req?: { url?: string } } })._httpMessage?.req?.url;
  const body = errorBody(answer.status, answer.message, answer.code, path === undefined ? undefined : errorBodyWriterForPath(path));
  socket.end(
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  socket.destroySoon();
}

function errorBody(status: number, message: string, code: string, writeBody?: ErrorBodyWriter): string {
  const error = new GatewayError(status, message, { code });
  return JSON.stringify(writeBody ? writeBody(error) : error.toBody());
}

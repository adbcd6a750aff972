/**
 * @module server/connection-tracker
 * Knows which sockets are serving a request, so shutdown can close each one cleanly. Node's own
 * `closeIdleConnections` misses sockets that were opened but never sent a request (HTTP clients
 * open spare pooled connections, e.g. after aborting one), and those would hold a drain open until
 * its deadline; it also closes a keep-alive socket the instant its response ends, which is when
 * its client sends the next request on it: that request meets a closed socket, a connection reset.
 *
 * Once draining: every response not yet started carries `Connection: close` (the client then opens
 * a new connection instead of reusing this one, and Node closes the socket after the response);
 * a request that arrives on an open keep-alive socket is still served, with `Connection: close`;
 * a socket is closed only once it has been idle for `quietMs`, so a client that sends its next
 * request as soon as a response ends is answered rather than reset.
 */
import type { Server, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface SocketState {
  active: Set<ServerResponse>;
  /** When its last response ended (or it connected). */
  idleSince: number;
}

export class ConnectionTracker {
  private readonly sockets = new Map<Socket, SocketState>();
  private draining = false;

  constructor(
    server: Server,
    private readonly quietMs = 500,
  ) {
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { active: new Set(), idleSince: Date.now() });
      socket.once('close', () => this.sockets.delete(socket));
    });
    // First in line, so the header is set before any handler can write the response.
    server.prependListener('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
      const socket = incoming.socket;
      const state = this.sockets.get(socket);
      if (!state) return;
      state.active.add(outgoing);
      if (this.draining) outgoing.setHeader('connection', 'close');
      outgoing.once('close', () => this.requestEnded(socket, outgoing));
    });
  }

  /** Starts closing: responses to come say `Connection: close`; idle sockets close once quiet. */
  drain(): void {
    this.draining = true;
    for (const [socket, state] of this.sockets) {
      if (state.active.size === 0) this.closeWhenQuiet(socket, state);
      for (const response of state.active) if (!response.headersSent) response.setHeader('connection', 'close');
    }
  }

  private requestEnded(socket: Socket, outgoing: ServerResponse): void {
    const state = this.sockets.get(socket);
    if (!state) return;
    state.active.delete(outgoing);
    if (state.active.size > 0) return;
    state.idleSince = Date.now();
    if (this.draining) this.closeWhenQuiet(socket, state);
  }

  /** Closes the socket if it is still idle `quietMs` after its last response. */
  private closeWhenQuiet(socket: Socket, state: SocketState): void {
    const wait = state.idleSince + this.quietMs - Date.now();
    if (wait <= 0) {
      socket.destroy();
      return;
    }
    const timer = setTimeout(() => {
      if (this.sockets.get(socket)?.active.size === 0 && Date.now() - state.idleSince >= this.quietMs - 1) socket.destroy();
    }, wait);
    timer.unref();
  }
}

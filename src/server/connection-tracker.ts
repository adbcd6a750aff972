/**
 * @module server/connection-tracker
 * Knows which sockets are serving a request, so shutdown can close the others at once. Node's own
 * `closeIdleConnections` misses sockets that were opened but never sent a request (HTTP clients
 * open spare pooled connections, e.g. after aborting one), and those would hold a drain open until
 * its deadline.
 */
import type { Server, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export class ConnectionTracker {
  private readonly activeRequests = new Map<Socket, number>();
  private draining = false;

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.activeRequests.set(socket, 0);
      socket.once('close', () => this.activeRequests.delete(socket));
    });
    server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
      const socket = incoming.socket;
      this.activeRequests.set(socket, (this.activeRequests.get(socket) ?? 0) + 1);
      outgoing.once('close', () => this.requestEnded(socket));
    });
  }

  /** Closes every socket with no request in progress now, and each remaining one as its request ends. */
  drain(): void {
    this.draining = true;
    for (const [socket, count] of this.activeRequests) if (count === 0) socket.destroy();
  }

  private requestEnded(socket: Socket): void {
    const remaining = (this.activeRequests.get(socket) ?? 1) - 1;
    if (!this.activeRequests.has(socket)) return;
    this.activeRequests.set(socket, remaining);
    if (this.draining && remaining === 0) socket.destroy();
  }
}

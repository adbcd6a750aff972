/**
 * @module test/helpers/free-port
 * A TCP port nothing listens on right now, for a server a test starts itself (a private Redis or
 * PostgreSQL, a gateway on a fixed port): the OS picks it, the probe releases it at once.
 */
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

// Serving a test HTTP server on loopback: an ephemeral port on 127.0.0.1, and a stop that ends every open
// connection at once (keep-alive sockets would otherwise hold server.close() until they time out). Idempotent.
import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Listening {
  port: number;
  /** `127.0.0.1:PORT` */
  host: string;
  stop(): Promise<void>;
}

export async function listenOnLoopback(server: Server | HttpsServer): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  return {
    port,
    host: `127.0.0.1:${port}`,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

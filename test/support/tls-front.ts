// A TLS FRONT for tests: an https server on loopback with a self-signed certificate (made with the openssl CLI)
// that forwards every request to a real registry behind it, the way a registry behind a TLS-terminating proxy with
// its own CA is reached. Clients that do not trust the certificate fail the handshake; with `certPath` as their CA
// file (or verification off) they reach the registry itself. Not a fake: every answer is the registry's own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { listenOnLoopback } from './loopback';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSystemPackages } from './system';

export interface TlsFront {
  /** `https://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  /** The self-signed certificate (PEM): the CA file that makes it trusted. */
  certPath: string;
  stop(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 and localhost, in a new temp folder. */
function selfSignedCertificate(dir: string): { keyPath: string; certPath: string } {
  ensureSystemPackages(['openssl']);
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { stdio: 'ignore', timeout: 30_000 },
  );
  return { keyPath, certPath };
}

/** Starts the front for the registry at `target` (`http://127.0.0.1:PORT`). */
export async function startTlsFront(target: string): Promise<TlsFront> {
  const to = new URL(target);
  const dir = mkdtempSync(join(tmpdir(), 'regx-tls-front-'));
  const { keyPath, certPath } = selfSignedCertificate(dir);
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const upstream = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server = createServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, forward);
  // A failed handshake (the point of this server) is not an error of the test.
  server.on('tlsClientError', () => undefined);
  const listening = await listenOnLoopback(server);
  return {
    url: `https://${listening.host}`,
    host: listening.host,
    certPath,
    stop: () => listening.stop().finally(() => rmSync(dir, { recursive: true, force: true })),
  };
}

// The transport against hostile or broken servers (issue "Safety holes found by hostile testing"):
// - a total deadline per request: a body sent a byte at a time is cut off (undici's bodyTimeout is only an idle
//   timeout), naming the request and the time; a timed-out GET is retried within the budget; cancel stays CANCELLED;
// - Retry-After as an HTTP date: waited for within the budget, and worded as a wait ("5 minutes"), never as a date;
// - https → http fallback for a loopback registry only when the server speaks plain http: an untrusted certificate
//   is a TLS error saying how to trust it, and a refused port is the refusal itself.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { createRegistryClient } from '../../src/registry/client';
import { RegistryError, type ErrorCode } from '../../src/registry/errors';
import { httpsFailureMeansPlainHttp } from '../../src/registry/transport';
import type { Logger, RegistryClient, RegistryOptions } from '../../src/registry/types';
import { faultError, faultManifest, sha256Digest, startFaultServer, type FaultHandler, type FaultServer } from '../support/fault-server';
import { startRegistry } from '../support/registry';
import { ensureSystemPackages, makeTestDir } from '../support/system';
import { rejectsWith } from '../support/assertions';


function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, trace: (m) => lines.push(m), debug: (m) => lines.push(m), warn: (m) => lines.push(m) };
}

/** Words of one face (the CLI's flags, the extension's buttons) that an engine fix must not contain. */
const FACE_WORDS = /regx|--[a-z]|\B-u\b|password-stdin|Edit Credentials|the extension|docker login|button/i;

const activeTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('transport against hostile servers', function () {
  this.timeout(30_000);
  let fault: FaultServer;
  const clients: RegistryClient[] = [];

  function client(extra: Partial<RegistryOptions> = {}, url = fault.url): RegistryClient {
    const c = createRegistryClient({ url, retries: 0, retryBaseMs: 5, timeoutMs: 5000, ...extra });
    clients.push(c);
    return c;
  }

  before(async () => {
    fault = await startFaultServer([]);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await fault.stop();
  });

  describe('a total deadline per request (headers and body)', () => {
    /** When the server saw each slow answer's connection close (the client gave up on it). */
    let closedAt: number[];

    /** 200 with a body of `bytes` spaces, one every `everyMs` (never idle long enough for an idle timeout). */
    function slowBody(bytes: number, everyMs: number): FaultHandler {
      return (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(bytes) });
        let sent = 0;
        const timer = setInterval(() => {
          if (sent++ < bytes) res.write(' ');
          else res.end();
        }, everyMs);
        res.on('close', () => {
          clearInterval(timer);
          closedAt.push(Date.now());
        });
      };
    }

    beforeEach(() => {
      closedAt = [];
      fault.reset();
    });

    it('a body sent a byte at a time is cut at the deadline: TIMEOUT naming the request, the host and the time', async () => {
      // 60 bytes, one every 100 ms: 6 s in all, yet never 1 s idle.
      fault.setRoutes(slowBody(60, 100));
      const started = Date.now();
      const e = await rejectsWith(client({ timeoutMs: 1000 }).listTags('app'), 'TIMEOUT');
      const took = Date.now() - started;
      assert.equal(e.message, `GET /v2/app/tags/list to ${fault.host} did not finish within 1 s`);
      assert.ok(e.fix && !FACE_WORDS.test(e.fix), e.fix);
      assert.ok(took >= 950 && took < 2500, `took ${took} ms`);
      // The half-read body was dropped with its connection, not left to trickle on.
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(closedAt.length, 1, 'the server saw the connection close');
      assert.ok(closedAt[0] - started < 2500, `closed after ${closedAt[0] - started} ms`);
    });

    it('a timed-out GET is retried within the retry budget, and the retry succeeds', async () => {
      const slow = slowBody(60, 100);
      fault.setRoutes((req, res, ctx) => {
        if (ctx.hit === 1) return slow(req, res, ctx);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ name: 'app', tags: ['fast'] }));
      });
      const started = Date.now();
      assert.deepEqual(await client({ timeoutMs: 800, retries: 2 }).listTags('app'), ['fast']);
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
      assert.equal(fault.requests({ path: '/v2/app/tags/list' }).length, 2);
    });

    it('a HEAD whose headers never come is TIMEOUT naming the HEAD; retries are bounded', async () => {
      const m = faultManifest({ repo: 'app', tag: 'v1' });
      fault.setRoutes([{ method: 'HEAD', path: '/v2/app/manifests/v1', respond: { status: 200, delayMs: 3000, headers: { 'Docker-Content-Digest': m.digest } } }]);
      const e = await rejectsWith(client({ timeoutMs: 400, retries: 1 }).resolve('app', 'v1'), 'TIMEOUT');
      assert.equal(e.message, `HEAD /v2/app/manifests/v1 to ${fault.host} did not finish within 400 ms`);
      assert.equal(fault.requests({ method: 'HEAD' }).length, 2);
    });

    it('a PUT that times out is not sent again', async () => {
      fault.setRoutes([{ method: 'PUT', path: '/v2/app/manifests/v1', respond: { status: 201, delayMs: 3000 } }]);
      const e = await rejectsWith(client({ timeoutMs: 400, retries: 3 }).putManifest('app', 'v1', Buffer.from('{}'), 'application/vnd.oci.image.manifest.v1+json'), 'TIMEOUT');
      assert.match(e.message, /^PUT \/v2\/app\/manifests\/v1 to .* did not finish within 400 ms$/);
      assert.equal(fault.requests({ method: 'PUT' }).length, 1);
    });

    it('the caller’s abort during a slow body is CANCELLED, not TIMEOUT, and is prompt', async () => {
      fault.setRoutes(slowBody(60, 100));
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      const started = Date.now();
      await rejectsWith(client({ timeoutMs: 5000, retries: 3 }).listTags('app', { signal: ac.signal }), 'CANCELLED');
      assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
      assert.equal(fault.requests().length, 1, 'a cancel is not retried');
    });

    it('no deadline timer outlives its request', async () => {
      const digest = sha256Digest('timers');
      fault.setRoutes([{ method: 'HEAD', path: /^\/v2\/app\/manifests\//, respond: { status: 200, headers: { 'Docker-Content-Digest': digest } } }]);
      const c = client({ timeoutMs: 60_000 });
      await c.resolve('app', 'warm-up');
      const before = activeTimers();
      const tags = Array.from({ length: 40 }, (_, i) => `t${i}`);
      const results = await c.resolveMany('app', tags);
      assert.equal([...results.values()].filter((r) => r instanceof Error).length, 0);
      await rejectsWith(client({ timeoutMs: 60_000 }, 'http://127.0.0.1:1').ping(), 'NETWORK');
      assert.ok(activeTimers() - before < 5, `${activeTimers() - before} more timers after 41 requests`);
    });
  });

  describe('Retry-After as an HTTP date', () => {
    const at = (ms: number): string => new Date(Date.now() + ms).toUTCString();
    const limited = (retryAfter: () => string): FaultHandler => (req, res) => {
      const r = faultError(429, 'TOOMANYREQUESTS', 'too many requests', { 'Retry-After': retryAfter() });
      res.writeHead(r.status, r.headers);
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(r.body));
    };

    beforeEach(() => fault.reset());

    it('a date beyond the retry budget: RATE_LIMITED at once, the wait in words ("Wait 5 minutes"), never the date', async () => {
      fault.setRoutes(limited(() => at(5 * 60_000)));
      const started = Date.now();
      const e = await rejectsWith(client({ retries: 4, retryBudgetMs: 1500 }).listTags('app'), 'RATE_LIMITED');
      assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms: it sat out the wait`);
      assert.equal(fault.log.length, 1);
      assert.match(e.fix ?? '', /^Wait 5 minutes and try again/);
      assert.doesNotMatch(e.fix ?? '', /GMT|\d\d:\d\d| s\b/);
    });

    it('a date within the budget is waited for; when the retries run out, RATE_LIMITED says how long to wait', async () => {
      fault.setRoutes(limited(() => at(2000)));
      const started = Date.now();
      const e = await rejectsWith(client({ retries: 2, retryBudgetMs: 20_000 }).listTags('app'), 'RATE_LIMITED');
      const took = Date.now() - started;
      assert.equal(fault.log.length, 3);
      // Each wait is 1–2 s (an HTTP date has whole seconds).
      assert.ok(took >= 1800 && took < 6000, `took ${took} ms`);
      assert.match(e.fix ?? '', /^Wait [12] seconds? and try again/);
      assert.doesNotMatch(e.fix ?? '', /GMT/);
    });

    it('a date in the past means no wait: the retries stay bounded by their count', async () => {
      fault.setRoutes(limited(() => 'Wed, 21 Oct 2015 07:28:00 GMT'));
      const started = Date.now();
      const e = await rejectsWith(client({ retries: 3, retryBudgetMs: 20_000 }).listTags('app'), 'RATE_LIMITED');
      assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
      assert.equal(fault.log.length, 4);
      assert.doesNotMatch(e.fix ?? '', /GMT|2015/);
    });
  });

  describe('https → http for a loopback registry only when it speaks plain http', function () {
    let dir: string;
    const pem: Record<string, string> = {};
    const servers: { stop(): Promise<void> }[] = [];

    function openssl(args: string[]): void {
      execFileSync('openssl', args, { stdio: 'ignore', timeout: 30_000 });
    }

    /** A key and a certificate: self-signed, or signed by the test CA. */
    function makeCert(name: string, subject: string, san: string, signer?: 'ca'): void {
      const key = join(dir, `${name}-key.pem`);
      const cert = join(dir, `${name}.pem`);
      const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key];
      if (signer) {
        const csr = join(dir, `${name}.csr`);
        const ext = join(dir, `${name}.ext`);
        writeFileSync(ext, `subjectAltName=${san}\n`);
        openssl(['req', ...ec, '-out', csr, '-subj', subject]);
        openssl(['x509', '-req', '-in', csr, '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca-key.pem'), '-CAcreateserial', '-days', '2', '-out', cert, '-extfile', ext]);
      } else {
        openssl(['req', '-x509', ...ec, '-out', cert, '-days', '2', '-subj', subject, '-addext', `subjectAltName=${san}`]);
      }
      pem[`${name}-key`] = readFileSync(key, 'utf8');
      pem[name] = readFileSync(cert, 'utf8');
    }

    /** Answers /v2/ like a registry. */
    function v2(req: IncomingMessage, res: ServerResponse): void {
      res.writeHead(req.url === '/v2/' ? 200 : 404, { 'Content-Type': 'application/json', 'Docker-Distribution-Api-Version': 'registry/2.0' });
      res.end('{}');
    }

    interface SplitServer {
      host: string;
      /** Connections whose first bytes were a TLS handshake, and those that were anything else (plain HTTP). */
      tlsConnections: number;
      plainConnections: number;
      stop(): Promise<void>;
    }

    /**
     * One loopback port that looks at each connection's first byte (0x16: a TLS handshake) and hands it to `tls`
     * or `plain`; a missing handler hangs up on it.
     */
    async function startSplitServer(o: { tls?: { key: string; cert: string }; plain?: boolean }): Promise<SplitServer> {
      const https = o.tls ? createHttpsServer({ key: o.tls.key, cert: o.tls.cert }, v2) : undefined;
      https?.on('tlsClientError', () => undefined);
      const http = o.plain ? createHttpServer(v2) : undefined;
      const sockets = new Set<Socket>();
      const counts = { tls: 0, plain: 0 };
      const server: NetServer = createNetServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
        socket.once('data', (chunk: Buffer) => {
          const isTls = chunk[0] === 0x16;
          if (isTls) counts.tls++;
          else counts.plain++;
          const to = isTls ? https : http;
          if (!to) return void socket.destroy();
          socket.pause();
          socket.unshift(chunk);
          to.emit('connection', socket);
          process.nextTick(() => socket.resume());
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const self: SplitServer = {
        host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
        get tlsConnections() {
          return counts.tls;
        },
        get plainConnections() {
          return counts.plain;
        },
        stop: async () => {
          for (const s of sockets) s.destroy();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
      servers.push(self);
      return self;
    }

    before(() => {
      ensureSystemPackages(['openssl']);
      dir = makeTestDir('regx-hostile-tls-');
      makeCert('self', '/CN=127.0.0.1', 'IP:127.0.0.1,DNS:localhost');
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'ca-key.pem'), '-out', join(dir, 'ca.pem'), '-days', '2', '-subj', '/CN=regx hostile test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
      makeCert('leaf', '/CN=127.0.0.1', 'IP:127.0.0.1', 'ca');
      makeCert('other', '/CN=other.example', 'DNS:other.example');
    });
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => s.stop()));
    });
    after(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    /** A TLS error that says the certificate is not trusted and how to trust it, in words of no face; no http tried. */
    async function expectUntrusted(server: SplitServer, extra: Partial<RegistryOptions>, why: RegExp): Promise<void> {
      const log = captureLogger();
      const e = await rejectsWith(client({ logger: log, ...extra }, server.host).ping(), 'TLS');
      assert.match(e.message, new RegExp(`TLS connection to ${server.host.replace(/\./g, '\\.')} failed: its certificate is not trusted`));
      assert.match(e.message, why);
      assert.match(e.fix ?? '', /insecure only on a network you trust/);
      assert.doesNotMatch(e.fix ?? '', FACE_WORDS);
      assert.equal(server.plainConnections, 0, 'the request was sent again in plain http');
      assert.ok(server.tlsConnections >= 1);
      assert.ok(!log.lines.some((l) => /using http/.test(l)), 'fell back to http');
    }

    it('a self-signed certificate on a loopback registry reached without a scheme: TLS, how to trust it, no http', async () => {
      // TLS only, as a registry with its own certificate is: before, the fallback's plain request was hung up on
      // and the user read a socket error.
      const server = await startSplitServer({ tls: { key: pem['self-key'], cert: pem.self } });
      await expectUntrusted(server, {}, /self-signed/);
      const untrusted = await rejectsWith(client({}, server.host).ping(), 'TLS');
      assert.match(untrusted.fix ?? '', /CA certificate as the CA file/);
    });

    it('a certificate from an unknown CA: TLS, no http (not even where plain http would be answered)', async () => {
      const server = await startSplitServer({ tls: { key: pem['leaf-key'], cert: pem.leaf }, plain: true });
      await expectUntrusted(server, {}, /CA that is not trusted/);
      // Given the CA, the same server is reached over https.
      const info = await client({ caFile: join(dir, 'ca.pem') }, server.host).ping();
      assert.equal(info.scheme, 'https');
    });

    it('a certificate for another name: TLS, no http', async () => {
      const server = await startSplitServer({ tls: { key: pem['other-key'], cert: pem.other }, plain: true });
      await expectUntrusted(server, { caFile: join(dir, 'other.pem') }, /another name/);
    });

    it('a plain-http server that hangs up on the TLS handshake: falls back to http', async () => {
      const server = await startSplitServer({ plain: true });
      const info = await client({}, server.host).ping();
      assert.equal(info.scheme, 'http');
      assert.equal(server.tlsConnections, 1);
    });

    it('a real docker-registry on loopback (plain http) reached without a scheme: falls back to http', async () => {
      const reg = await startRegistry({ auth: 'none' });
      try {
        const info = await client({}, reg.host).ping();
        assert.equal(info.scheme, 'http');
        assert.equal(info.baseUrl, reg.url);
      } finally {
        await reg.stop();
      }
    });

    it('nothing listening on a loopback port: the refusal itself, without trying http', async () => {
      const closed = await startSplitServer({});
      const host = closed.host;
      await closed.stop();
      const log = captureLogger();
      const e = await rejectsWith(client({ logger: log, retries: 3 }, host).ping(), 'NETWORK');
      assert.equal(e.message, `${host} refused the connection`);
      assert.ok(!log.lines.some((l) => /using http/.test(l)), 'fell back to http');
    });

    it('httpsFailureMeansPlainHttp: only signs of a plain-http server, never certificate or trust errors', () => {
      const failure = (code: ErrorCode, cause: object): RegistryError => new RegistryError(code, 'x', { cause });
      const sslError = (code: string, message = code): Error => Object.assign(new Error(message), { code });
      for (const code of ['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']) {
        assert.equal(httpsFailureMeansPlainHttp(failure('TLS', sslError(code))), true, code);
      }
      assert.equal(httpsFailureMeansPlainHttp(failure('TLS', sslError('EPROTO', 'write EPROTO 4047:error:1408F10B:SSL routines:ssl3_get_record:wrong version number'))), true);
      for (const code of ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION']) {
        assert.equal(httpsFailureMeansPlainHttp(failure('TLS', sslError(code))), false, code);
      }
      // A reset is a sign only while connecting (see the hang-up test above), not on an established connection.
      assert.equal(httpsFailureMeansPlainHttp(failure('NETWORK', sslError('ECONNRESET', 'read ECONNRESET'))), false);
      assert.equal(httpsFailureMeansPlainHttp(failure('NETWORK', sslError('ECONNREFUSED'))), false);
      assert.equal(httpsFailureMeansPlainHttp(failure('TIMEOUT', sslError('UND_ERR_CONNECT_TIMEOUT'))), false);
    });
  });
});

// The engine against FAULT servers: small local HTTP(S) servers that misbehave on purpose, for what a real
// distribution registry cannot produce (Link paging of tags, Link loops, 429 + Retry-After, 5xx bursts,
// connection resets, missing or wrong digests, malformed bodies, TLS with a private CA, unsafe token realms,
// cross-host redirects, registries without a catalog, slow answers). They are not registries.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistryClient } from '../../src/registry/client';
import { isRegistryError, RegistryError, type ErrorCode } from '../../src/registry/errors';
import type { Logger, RegistryClient, RegistryOptions } from '../../src/registry/types';
import {
  faultBearer,
  faultEndlessLink,
  faultError,
  faultLinkLoop,
  faultMalformedJson,
  faultManifest,
  faultPagedList,
  faultRedirect,
  faultReset,
  faultRetryAfter,
  faultServerErrors,
  faultTagStore,
  faultTokenRealm,
  faultV2,
  sha256Digest,
  startFaultServer,
  type FaultRoute,
  type FaultServer,
} from '../support/fault-server';
import { rejectsWith as sharedRejectsWith } from '../support/assertions';
import { ensureSystemPackages } from '../support/system';
import { reviewUntag, untagReviewed } from '../../src/ops';

/** Untag through the engine's operation (review, then untag). */
async function untagVia(c: RegistryClient, repository: string, tag: string, options: { fallback?: boolean } = {}): Promise<void> {
  await untagReviewed(c, await reviewUntag(c, repository, tag), options);
}

const PASSWORD = 'fault-secret-pw-7Qz';
const TOKEN = 'fault-token-value-9Xk';

interface CapturedLogger extends Logger {
  lines: string[];
}

function captureLogger(): CapturedLogger {
  const lines: string[] = [];
  return { lines, trace: (m) => lines.push(m), debug: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`) };
}

function assertNoSecret(...texts: (string | undefined)[]): void {
  for (const t of texts) {
    if (t === undefined) continue;
    for (const s of [PASSWORD, TOKEN, Buffer.from(`alice:${PASSWORD}`).toString('base64')]) assert.ok(!t.includes(s), `a secret leaked into: ${t}`);
  }
}

function rejectsWith(p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<RegistryError> {
  return sharedRejectsWith(p, code, message, (e) => assertNoSecret(e.message, e.fix));
}

/** A plain handler server (http on any loopback address, or https with a cert), for what the fault server's routes cannot express. */
interface TinyServer {
  url: string;
  host: string;
  hits: { method: string; url: string; authorization?: string }[];
  /** TCP connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

async function startTiny(handler: (req: IncomingMessage, res: ServerResponse) => void, opts: { address?: string; tls?: { key: string; cert: string } } = {}): Promise<TinyServer> {
  const hits: TinyServer['hits'] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const wrapped = (req: IncomingMessage, res: ServerResponse): void => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  };
  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, wrapped) : createHttpServer(wrapped);
  server.on('connection', (s: Socket) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const address = opts.address ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${address}:${port}`,
    host: `${address}:${port}`,
    hits,
    connections: () => accepted,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

describe('engine against fault servers', function () {
  this.timeout(20_000);
  let fault: FaultServer;
  const clients: RegistryClient[] = [];

  function client(extra: Partial<RegistryOptions> = {}, url = fault.url): RegistryClient {
    const c = createRegistryClient({ url, retries: 3, retryBaseMs: 5, timeoutMs: 5000, ...extra });
    clients.push(c);
    return c;
  }

  function routes(r: FaultRoute[]): void {
    fault.setRoutes(r);
    fault.reset();
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

  describe('paging with Link', () => {
    const TAGS = Array.from({ length: 25 }, (_, i) => `t${String(i).padStart(2, '0')}`);

    it('follows relative Link headers on tags/list to the end, sending n', async () => {
      routes(faultPagedList({ repo: 'app', items: TAGS, pageSize: 100 }));
      const tags = await client().listTags('app', { pageSize: 10 });
      assert.deepEqual(tags, TAGS);
      const reqs = fault.requests({ path: '/v2/app/tags/list' });
      assert.equal(reqs.length, 3);
      for (const r of reqs) assert.match(r.url, /[?&]n=10(&|$)/);
      assert.match(reqs[1].url, /last=t09/);
      assert.match(reqs[2].url, /last=t19/);
    });

    it('follows absolute Link headers, and pages of the server’s own size when it ignores n', async () => {
      routes(faultPagedList({ repo: 'team/api', items: TAGS, pageSize: 7, link: 'absolute', honorN: false }));
      assert.deepEqual(await client().listTags('team/api', { pageSize: 1000 }), TAGS);
      assert.equal(fault.requests({ path: '/v2/team/api/tags/list' }).length, 4);
    });

    it('one page at a time: tagsPage hands back a cursor for the next page, none on the last', async () => {
      routes(faultPagedList({ repo: 'app', items: TAGS, pageSize: 100 }));
      const c = client();
      const p1 = await c.tagsPage('app', { pageSize: 20 });
      assert.deepEqual(p1.items, TAGS.slice(0, 20));
      assert.ok(p1.next, 'a next cursor');
      const p2 = await c.tagsPage('app', { pageSize: 20, cursor: p1.next });
      assert.deepEqual(p2.items, TAGS.slice(20));
      assert.equal(p2.next, undefined);
    });

    it('a cursor for another registry is refused', async () => {
      routes(faultPagedList({ repo: 'app', items: TAGS, pageSize: 100 }));
      await rejectsWith(client().tagsPage('app', { cursor: 'http://127.0.0.9:1/v2/app/tags/list?last=x' }), 'BAD_INPUT', /cursor/);
      assert.equal(fault.log.length, 0);
    });

    it('pages the catalog the same way', async () => {
      const repos = ['a', 'b', 'c', 'd', 'e'];
      routes(faultPagedList({ items: repos, pageSize: 100 }));
      assert.deepEqual(await client().listRepositories({ pageSize: 2 }), repos);
      assert.equal(fault.requests({ path: '/v2/_catalog' }).length, 3);
    });

    // A list that is not known to be complete may be shown (browseTags, marked incomplete), never acted on
    // (listTags refuses with INCOMPLETE_LIST).
    it('a Link that points at the same page (a loop) stops the listing instead of spinning, and marks it incomplete', async () => {
      routes(faultLinkLoop({ repo: 'app', mode: 'self' }));
      const log = captureLogger();
      const listing = await client({ logger: log }).browseTags('app', { pageSize: 2 });
      assert.deepEqual(listing.items, ['loop-a', 'loop-b']);
      assert.match(listing.incomplete?.why ?? '', /paging loop/);
      assert.ok(fault.log.length <= 3, `${fault.log.length} requests`);
      assert.ok(log.lines.some((l) => /sent before/.test(l)), 'the loop is logged as a warning');
      await rejectsWith(client().listTags('app', { pageSize: 2 }), 'INCOMPLETE_LIST', /incomplete/);
    });

    it('a Link cycle between two pages stops, with each item once, marked incomplete', async () => {
      routes(faultLinkLoop({ repo: 'app', mode: 'cycle' }));
      const listing = await client().browseTags('app', { pageSize: 2 });
      assert.deepEqual(listing.items, ['page1-a', 'page1-b', 'page2-a', 'page2-b']);
      assert.ok(listing.incomplete);
      assert.ok(fault.log.length <= 4, `${fault.log.length} requests`);
    });

    it('an endless Link chain hits the page cap and fails (an incomplete list is never returned)', async () => {
      routes(faultEndlessLink({ repo: 'app', pageSize: 2 }));
      const e = await rejectsWith(client().listTags('app', { pageSize: 2, maxPages: 6 }), 'INCOMPLETE_LIST', /more pages after 6/);
      assert.match(e.fix ?? '', /incomplete/);
      assert.equal(fault.log.length, 6);
    });

    it('an empty page ends the listing even if it carries a Link', async () => {
      routes([
        {
          method: 'GET',
          path: '/v2/app/tags/list',
          respond: (_req, ctx) =>
            ctx.url.searchParams.get('last') === null
              ? { status: 200, headers: { Link: '</v2/app/tags/list?n=2&last=b>; rel="next"' }, body: { name: 'app', tags: ['a', 'b'] } }
              : { status: 200, headers: { Link: '</v2/app/tags/list?n=2&last=zzz>; rel="next"' }, body: { name: 'app', tags: [] } },
        },
      ]);
      assert.deepEqual(await client().listTags('app', { pageSize: 2 }), ['a', 'b']);
      assert.equal(fault.log.length, 2);
    });

    it('a next link to another host is never requested there; the page is read from the registry itself', async () => {
      const other = await startFaultServer([]);
      try {
        const link = `<${other.url.replace('127.0.0.1', '127.0.0.1')}/v2/app/tags/list?last=b&n=2>; rel="next"`;
        routes([
          {
            method: 'GET',
            path: '/v2/app/tags/list',
            respond: (_req, ctx) =>
              ctx.url.searchParams.get('last') === 'b'
                ? { status: 200, body: { name: 'app', tags: ['c'] } }
                : { status: 200, headers: { Link: link }, body: { name: 'app', tags: ['a', 'b'] } },
          },
        ]);
        const log = captureLogger();
        assert.deepEqual(await client({ logger: log }).listTags('app'), ['a', 'b', 'c']);
        assert.ok(log.lines.some((l) => /another host/.test(l)));
        assert.equal(other.log.length, 0, 'the other host received a request');
      } finally {
        await other.stop();
      }
    });

    it('a next link to another host that is not this listing leaves the list incomplete: shown, never acted on', async () => {
      routes([{ method: 'GET', path: '/v2/app/tags/list', respond: { status: 200, headers: { Link: '<http://127.0.0.9:9/elsewhere?last=b>; rel="next"' }, body: { name: 'app', tags: ['a', 'b'] } } }]);
      const listing = await client().browseTags('app');
      assert.deepEqual(listing.items, ['a', 'b']);
      assert.match(listing.incomplete?.why ?? '', /another host \(127\.0\.0\.9:9\)/);
      await rejectsWith(client().listTags('app'), 'INCOMPLETE_LIST', /incomplete/);
    });

    it('tags: null (an empty repository) is an empty list', async () => {
      routes([{ method: 'GET', path: '/v2/app/tags/list', respond: { status: 200, body: { name: 'app', tags: null } } }]);
      assert.deepEqual(await client().listTags('app'), []);
    });
  });

  describe('retries', () => {
    it('429 with Retry-After (seconds) waits that long, then succeeds', async () => {
      routes(faultRetryAfter({ path: '/v2/app/tags/list', times: 1, seconds: 1, then: { status: 200, body: { name: 'app', tags: ['x'] } } }));
      const started = Date.now();
      assert.deepEqual(await client().listTags('app'), ['x']);
      const took = Date.now() - started;
      assert.ok(took >= 950, `waited only ${took} ms`);
      assert.ok(took < 4000, `took ${took} ms`);
      assert.equal(fault.log.length, 2);
    });

    it('429 with Retry-After as an HTTP date is honoured too', async () => {
      routes(faultRetryAfter({ path: '/v2/app/tags/list', times: 1, seconds: 2, form: 'date', then: { status: 200, body: { name: 'app', tags: ['y'] } } }));
      const started = Date.now();
      assert.deepEqual(await client().listTags('app'), ['y']);
      // The date has one-second precision: at least one full second must have been waited.
      assert.ok(Date.now() - started >= 950, `waited only ${Date.now() - started} ms`);
    });

    it('a Retry-After longer than the retry budget fails at once with RATE_LIMITED and the wait in the fix', async () => {
      routes(faultRetryAfter({ path: '/v2/app/tags/list', times: 100, seconds: 3600, then: { status: 200, body: {} } }));
      const started = Date.now();
      const e = await rejectsWith(client({ retryBudgetMs: 2000 }).listTags('app'), 'RATE_LIMITED', /rate-limiting/);
      assert.ok(Date.now() - started < 1500, 'did not sit out the hour');
      assert.match(e.fix ?? '', /Wait 60 minutes/);
      assert.equal(fault.log.length, 1);
    });

    it('a burst of 5xx is retried, then succeeds', async () => {
      routes(faultServerErrors({ path: '/v2/app/tags/list', times: 3, status: 503, then: { status: 200, body: { name: 'app', tags: ['ok'] } } }));
      assert.deepEqual(await client({ retries: 4 }).listTags('app'), ['ok']);
      assert.equal(fault.log.length, 4);
    });

    it('500, 502 and 504 are retried as well', async () => {
      for (const status of [500, 502, 504]) {
        routes(faultServerErrors({ path: '/v2/app/tags/list', times: 1, status, then: { status: 200, body: { name: 'app', tags: [String(status)] } } }));
        assert.deepEqual(await client().listTags('app'), [String(status)]);
        assert.equal(fault.log.length, 2, `status ${status}`);
      }
    });

    it('retries are bounded in count: an always-503 server gives SERVER after retries + 1 attempts', async () => {
      routes(faultServerErrors({ path: '/v2/app/tags/list', times: 1000, status: 503, then: { status: 200, body: {} } }));
      const e = await rejectsWith(client({ retries: 3 }).listTags('app'), 'SERVER', /503/);
      assert.equal(e.status, 503);
      assert.equal(fault.log.length, 4);
    });

    it('retries are bounded in time: a small budget stops long before the retry count', async () => {
      routes(faultServerErrors({ path: '/v2/app/tags/list', times: 1000, status: 503, then: { status: 200, body: {} } }));
      const started = Date.now();
      await rejectsWith(client({ retries: 1000, retryBaseMs: 40, retryBudgetMs: 400 }).listTags('app'), 'SERVER');
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
      assert.ok(fault.log.length > 1 && fault.log.length < 20, `${fault.log.length} attempts`);
    });

    it('a 4xx is not retried', async () => {
      routes([{ method: 'GET', path: '/v2/app/tags/list', respond: faultError(400, 'NAME_INVALID', 'invalid repository name') }]);
      await rejectsWith(client().listTags('app'), 'BAD_INPUT', /NAME_INVALID/);
      assert.equal(fault.log.length, 1);
    });

    it('a connection reset is retried, then succeeds', async () => {
      const m = faultManifest({ repo: 'app', tag: 'v1' });
      routes([...faultReset({ method: 'HEAD', path: '/v2/app/manifests/v1', times: 2, then: m.routes[0].respond as never }), ...m.routes]);
      const info = await client().resolve('app', 'v1');
      assert.equal(info.digest, m.digest);
      assert.equal(fault.requests({ method: 'HEAD' }).length, 3);
    });

    it('a server that always resets gives NETWORK after the bounded attempts', async () => {
      routes(faultReset({ path: '/v2/app/tags/list', times: 1000, then: { status: 200 } }));
      const e = await rejectsWith(client({ retries: 2 }).listTags('app'), 'NETWORK', new RegExp(fault.host.replace(/\./g, '\\.')));
      assert.ok(e.fix);
      assert.equal(fault.log.length, 3);
    });

    it('a refused connection is NETWORK, naming the host, with a fix', async () => {
      const closed = await startTiny((_q, r) => r.end());
      const url = closed.url;
      await closed.stop();
      const e = await rejectsWith(client({ retries: 0 }, url).ping(), 'NETWORK', /refused/);
      assert.match(e.fix ?? '', /running/);
    });

    it('a refused connection is not retried: it fails at once even with retries and long backoff', async () => {
      const closed = await startTiny((_q, r) => r.end());
      const url = closed.url;
      await closed.stop();
      const started = Date.now();
      // With retries, the first backoff alone would be at least 2.5 s.
      await rejectsWith(client({ retries: 4, retryBaseMs: 5000 }, url).ping(), 'NETWORK', /refused/);
      assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms: the refused connection was retried`);
    });

    it('a DELETE that landed before a reset answers 404 on the retry: reported as already gone', async () => {
      const digest = sha256Digest('landed');
      // The first DELETE "happens", then the connection drops before the answer; the retry finds nothing.
      routes(faultReset({ method: 'DELETE', path: `/v2/app/manifests/${digest}`, times: 1, then: faultError(404, 'MANIFEST_UNKNOWN', 'manifest unknown') }));
      const result = await client().deleteManifest('app', digest);
      assert.deepEqual(result, { digest, alreadyGone: true });
      assert.equal(fault.requests({ method: 'DELETE' }).length, 2);
    });

    it('a DELETE answered 503 is retried, then done', async () => {
      const store = faultTagStore({ repo: 'app', tags: { '1.0': 'a' } });
      routes([...faultServerErrors({ method: 'DELETE', path: /manifests/, times: 2, then: { status: 202 } })]);
      assert.deepEqual(await client().deleteManifest('app', store.digests.a), { digest: store.digests.a, alreadyGone: false });
      assert.equal(fault.log.length, 3);
    });
  });

  describe('digests and bodies', () => {
    it('HEAD without Docker-Content-Digest: the digest is the sha256 of the GET body', async () => {
      const m = faultManifest({ repo: 'app', tag: 'v1', headDigest: 'absent', getDigest: 'absent' });
      routes(m.routes);
      const info = await client().resolve('app', 'v1');
      assert.equal(info.digest, m.digest);
      assert.equal(info.digest, sha256Digest(m.body));
      assert.equal(info.size, m.body.length);
      assert.equal(info.mediaType, 'application/vnd.oci.image.manifest.v1+json');
      assert.deepEqual(
        fault.log.map((r) => r.method),
        ['HEAD', 'GET'],
      );
      // The full Accept list went out on both.
      for (const r of fault.log) {
        for (const t of ['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json']) {
          assert.ok(r.headers.accept?.includes(t), `${r.method} Accept lacks ${t}`);
        }
      }
    });

    it('a HEAD with the digest is enough: no GET', async () => {
      const m = faultManifest({ repo: 'app', tag: 'v1' });
      routes(m.routes);
      assert.equal((await client().resolve('app', 'v1')).digest, m.digest);
      assert.deepEqual(
        fault.log.map((r) => r.method),
        ['HEAD'],
      );
    });

    it('a body that does not match its Docker-Content-Digest is DIGEST_MISMATCH', async () => {
      const m = faultManifest({ repo: 'app', tag: 'v1', getDigest: 'wrong' });
      routes(m.routes);
      const e = await rejectsWith(client().getManifest('app', 'v1'), 'DIGEST_MISMATCH', /does not match/);
      assert.match(e.fix ?? '', /Nothing was done/);
    });

    it('resolve falls back to GET and still refuses a body that contradicts its header', async () => {
      const m = faultManifest({ repo: 'app', tag: 'v1', headDigest: 'absent', getDigest: 'wrong' });
      routes(m.routes);
      await rejectsWith(client().resolve('app', 'v1'), 'DIGEST_MISMATCH');
    });

    it('asking by digest and getting other bytes is DIGEST_MISMATCH, for manifests and blobs', async () => {
      const m = faultManifest({ repo: 'app', tag: 'v1', getDigest: 'absent' });
      const other = sha256Digest('something else');
      routes([
        { method: 'HEAD', path: `/v2/app/manifests/${other}`, respond: { status: 200, headers: { 'Docker-Content-Digest': m.digest }, contentLength: 10 } },
        { method: 'GET', path: `/v2/app/manifests/${other}`, respond: { status: 200, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, body: m.body } },
        { method: 'GET', path: `/v2/app/blobs/${other}`, respond: { status: 200, body: Buffer.from('not the blob') } },
      ]);
      const c = client();
      await rejectsWith(c.getManifest('app', other), 'DIGEST_MISMATCH');
      await rejectsWith(c.resolve('app', other), 'DIGEST_MISMATCH', /another digest/);
      await rejectsWith(c.getBlob('app', other), 'DIGEST_MISMATCH');
    });

    it('a legacy schema1 manifest is classified as such (its signed bytes are not hashed)', async () => {
      const body = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'app', tag: 'old', architecture: 'amd64', fsLayers: [], history: [], signatures: [{ header: {}, signature: 'x', protected: 'y' }] }));
      routes([{ method: 'GET', path: '/v2/app/manifests/old', respond: { status: 200, headers: { 'Content-Type': 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'Docker-Content-Digest': sha256Digest('the unsigned payload') }, body } }]);
      const m = await client().getManifest('app', 'old');
      assert.equal(m.kind, 'schema1');
      assert.equal(m.mediaType, 'application/vnd.docker.distribution.manifest.v1+prettyjws');
      assert.equal(m.configDigest, undefined);
      assert.equal(m.platforms, undefined);
    });

    it('batch resolution reuses a bounded pool of keep-alive connections', async () => {
      const digest = sha256Digest('pooled');
      const server = await startTiny((_req, res) => {
        res.writeHead(200, { 'Docker-Content-Digest': digest, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Content-Length': '10' });
        res.end();
      });
      try {
        const tags = Array.from({ length: 300 }, (_, i) => `t${i}`);
        const results = await client({ concurrency: 4 }, server.url).resolveMany('app', tags);
        assert.equal(results.size, 300);
        for (const r of results.values()) assert.equal((r as { digest: string }).digest, digest);
        assert.equal(server.hits.length, 300);
        assert.ok(server.connections() <= 6, `${server.connections()} connections for 300 HEADs`);
      } finally {
        await server.stop();
      }
    });

    it('malformed JSON is BAD_RESPONSE: tag list, catalog, manifest', async () => {
      const bad = Buffer.from('{"schemaVersion": 2, "config": ');
      routes([
        ...faultMalformedJson({ path: '/v2/app/tags/list' }),
        ...faultMalformedJson({ path: '/v2/_catalog', body: '<html>oops</html>' }),
        { method: 'GET', path: '/v2/app/manifests/broken', respond: { status: 200, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': sha256Digest(bad) }, body: bad } },
      ]);
      const c = client();
      await rejectsWith(c.listTags('app'), 'BAD_RESPONSE', /not valid JSON/);
      await rejectsWith(c.listRepositories(), 'BAD_RESPONSE', /not valid JSON/);
      await rejectsWith(c.getManifest('app', 'broken'), 'BAD_RESPONSE', /not valid JSON/);
    });

    it('a tag list whose tags field is not a list is BAD_RESPONSE', async () => {
      routes([{ method: 'GET', path: '/v2/app/tags/list', respond: { status: 200, body: { name: 'app', tags: 'v1' } } }]);
      await rejectsWith(client().listTags('app'), 'BAD_RESPONSE', /without a list/);
    });

    it('a reply larger than allowed is BAD_RESPONSE, not an out-of-memory', async () => {
      const huge = Buffer.alloc(5 * 1024 * 1024, 0x20);
      routes([{ method: 'GET', path: '/v2/app/manifests/huge', respond: { status: 200, headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, body: huge } }]);
      await rejectsWith(client().getManifest('app', 'huge'), 'BAD_RESPONSE', /larger than/);
    });

    it('getCreated reads the config blob, following a redirect to blob storage', async () => {
      const config = Buffer.from(JSON.stringify({ created: '2024-05-06T07:08:09Z', architecture: 'amd64', os: 'linux' }));
      const cfgDigest = sha256Digest(config);
      const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfgDigest, size: config.length }, layers: [] }));
      const storage = await startFaultServer([{ method: 'GET', path: '/blob', respond: { status: 200, body: config } }]);
      try {
        routes([
          ...faultManifest({ repo: 'app', tag: 'v1', body: manifest }).routes,
          ...faultRedirect({ method: 'GET', path: `/v2/app/blobs/${cfgDigest}`, to: `${storage.url}/blob?sig=abc` }),
        ]);
        const c = client();
        const m = await c.getManifest('app', 'v1');
        assert.equal(m.configDigest, cfgDigest);
        const created = await c.getCreated('app', m);
        assert.equal(created?.toISOString(), '2024-05-06T07:08:09.000Z');
        assert.equal(storage.log.length, 1);
      } finally {
        await storage.stop();
      }
    });
  });

  describe('delete semantics a 2.8.2 registry does not have', () => {
    it('OCI untag (DELETE by tag accepted) removes only that tag', async () => {
      const store = faultTagStore({ repo: 'app', tags: { a: 'x', b: 'x' }, deleteByTag: 'untag' });
      routes(store.routes);
      await untagVia(client(), 'app', 'a');
      assert.deepEqual(store.tags(), { b: store.digests.x });
      assert.deepEqual(store.manifests(), [store.digests.x]);
      assert.equal(fault.requests({ method: 'PUT' }).length, 0, 'no placeholder was needed');
    });

    it('DELETE by tag answered 405: deletion disabled, with the distribution setting to change', async () => {
      const store = faultTagStore({ repo: 'app', tags: { a: 'x' }, deleteByTag: 'unsupported' });
      routes(store.routes);
      const e = await rejectsWith(untagVia(client(), 'app', 'a', { fallback: true }), 'DELETE_DISABLED');
      assert.match(e.fix ?? '', /storage\.delete\.enabled/);
      assert.equal(fault.requests({ method: 'PUT' }).length, 0, 'the fallback is not tried when deletes are off');
    });

    it('DELETE by digest answered 403: FORBIDDEN, saying delete rights are needed', async () => {
      const store = faultTagStore({ repo: 'app', tags: { a: 'x' }, deleteByDigest: 'forbidden' });
      routes(store.routes);
      const e = await rejectsWith(client().deleteManifest('app', store.digests.x), 'FORBIDDEN', /does not allow/);
      assert.match(e.fix ?? '', /delete rights/);
      assert.equal(fault.requests({ method: 'DELETE' }).length, 1);
      assert.deepEqual(store.manifests(), [store.digests.x]);
    });

    it('DELETE by digest answered 401 with credentials: UNAUTHORIZED naming the user, never the password', async () => {
      const store = faultTagStore({ repo: 'app', tags: { a: 'x' }, deleteByDigest: 'unauthorized' });
      routes(store.routes);
      const log = captureLogger();
      const e = await rejectsWith(client({ credentials: async () => ({ username: 'alice', password: PASSWORD }), logger: log }).deleteManifest('app', store.digests.x), 'UNAUTHORIZED', /alice/);
      assert.ok(e.fix);
      assertNoSecret(...log.lines);
      assert.deepEqual(store.manifests(), [store.digests.x]);
    });

    it('a 404 on the first DELETE is alreadyGone, not an error', async () => {
      const store = faultTagStore({ repo: 'app', tags: { a: 'x' } });
      routes(store.routes);
      const c = client();
      assert.deepEqual(await c.deleteManifest('app', store.digests.x), { digest: store.digests.x, alreadyGone: false });
      assert.deepEqual(await c.deleteManifest('app', store.digests.x), { digest: store.digests.x, alreadyGone: true });
    });
  });

  describe('catalog not available', () => {
    it('404 on _catalog → CATALOG_UNAVAILABLE: add repositories by name', async () => {
      routes(faultV2());
      const e = await rejectsWith(client().listRepositories(), 'CATALOG_UNAVAILABLE', /add repositories by name/);
      assert.match(e.fix ?? '', /name the repository/);
    });

    it('403 and 405 on _catalog → CATALOG_UNAVAILABLE', async () => {
      for (const status of [403, 405]) {
        routes([{ method: 'GET', path: '/v2/_catalog', respond: faultError(status, 'DENIED') }]);
        await rejectsWith(client().listRepositories(), 'CATALOG_UNAVAILABLE', /add repositories by name/);
      }
    });

    it('401 insufficient_scope on _catalog even with a token (Harbor non-admin, Docker Hub) → CATALOG_UNAVAILABLE', async () => {
      const realm = await startFaultServer(faultTokenRealm({ token: TOKEN }));
      try {
        routes(
          faultBearer({ realm: `${realm.url}/token`, token: TOKEN }, [
            {
              method: 'GET',
              path: '/v2/_catalog',
              respond: faultError(401, 'UNAUTHORIZED', 'authentication required', {
                'WWW-Authenticate': `Bearer realm="${realm.url}/token",service="fault-registry",scope="registry:catalog:*",error="insufficient_scope"`,
              }),
            },
          ]),
        );
        await rejectsWith(client().listRepositories(), 'CATALOG_UNAVAILABLE', /add repositories by name/);
        assert.ok(realm.log.length >= 1, 'a token was asked for');
        assert.match(realm.log[0].url, /scope=registry%3Acatalog%3A\*/);
      } finally {
        await realm.stop();
      }
    });
  });

  describe('realm and redirect safety', () => {
    it('Basic credentials are never sent to a plain-http token realm on another host', async () => {
      const otherHost = await startTiny((_q, r) => json(r, 200, { token: TOKEN }), { address: '127.0.0.2' });
      try {
        routes(faultBearer({ realm: `${otherHost.url}/token`, token: TOKEN }, faultV2()));
        const log = captureLogger();
        const e = await rejectsWith(client({ credentials: async () => ({ username: 'alice', password: PASSWORD }), logger: log }).ping(), 'UNSAFE_AUTH', /plain http to another host/);
        assert.ok(e.message.includes('127.0.0.2'));
        assert.equal(otherHost.hits.length, 0, 'the other host was never contacted');
        assertNoSecret(...log.lines);

        // Anonymous, there is no secret to leak: the token is fetched there (without any Authorization).
        const info = await client().ping();
        assert.equal(info.auth, 'bearer');
        assert.equal(otherHost.hits.length, 1);
        assert.equal(otherHost.hits[0].authorization, undefined);
      } finally {
        await otherHost.stop();
      }
    });

    it('a plain-http realm on the same host as an http registry gets the credentials (the usual local setup)', async () => {
      const realm = await startFaultServer(faultTokenRealm({ token: TOKEN, basic: { username: 'alice', password: PASSWORD } }));
      try {
        routes(faultBearer({ realm: `${realm.url}/token`, token: TOKEN }, faultV2()));
        const info = await client({ credentials: async () => ({ username: 'alice', password: PASSWORD }) }).ping();
        assert.equal(info.auth, 'bearer');
        assert.equal(realm.log[0].authorization.scheme, 'Basic');
      } finally {
        await realm.stop();
      }
    });

    it('a realm that is not a URL is BAD_RESPONSE; a realm with another scheme is UNSAFE_AUTH', async () => {
      routes(faultBearer({ realm: 'not a url', token: TOKEN }, faultV2()));
      await rejectsWith(client().ping(), 'BAD_RESPONSE', /not a URL/);
      routes(faultBearer({ realm: 'ftp://127.0.0.1/token', token: TOKEN }, faultV2()));
      await rejectsWith(client().ping(), 'UNSAFE_AUTH', /ftp/);
    });

    it('a token server that answers non-JSON or no token is BAD_RESPONSE; 5xx is SERVER', async () => {
      const realm = await startTiny((req, res) => {
        if (req.url?.startsWith('/html')) {
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end('<html>login</html>');
        } else if (req.url?.startsWith('/empty')) json(res, 200, { expires_in: 60 });
        else json(res, 500, {});
      });
      try {
        for (const [path, code] of [
          ['/html', 'BAD_RESPONSE'],
          ['/empty', 'BAD_RESPONSE'],
          ['/boom', 'SERVER'],
        ] as const) {
          routes(faultBearer({ realm: `${realm.url}${path}`, token: TOKEN }, faultV2()));
          await rejectsWith(client({ retries: 0 }).ping(), code, /token server/);
        }
      } finally {
        await realm.stop();
      }
    });

    it('a redirect to another host gets no Authorization; a same-origin redirect keeps it', async () => {
      const blob = Buffer.from('the blob bytes');
      const digest = sha256Digest(blob);
      const other = await startFaultServer([{ method: 'GET', path: '/storage/blob', respond: { status: 200, body: blob } }]);
      try {
        const basic = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
        routes([
          {
            path: /.*/,
            when: (req) => req.headers.authorization !== basic,
            respond: faultError(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="fault"' }),
          },
          ...faultRedirect({ method: 'GET', path: `/v2/app/blobs/${digest}`, to: `${other.url}/storage/blob?X-Amz-Signature=abc` }),
          ...faultRedirect({ method: 'GET', path: `/v2/same/blobs/${digest}`, to: '/local/blob' }),
          { method: 'GET', path: '/local/blob', respond: { status: 200, body: blob } },
        ]);
        const log = captureLogger();
        const c = client({ credentials: async () => ({ username: 'alice', password: PASSWORD }), logger: log });
        assert.deepEqual(Buffer.from(await c.getBlob('app', digest)), blob);
        assert.equal(other.log.length, 1);
        assert.equal(other.log[0].authorization.present, false, 'Authorization went to another host');

        assert.deepEqual(Buffer.from(await c.getBlob('same', digest)), blob);
        const local = fault.requests({ path: '/local/blob' });
        assert.equal(local.length, 1);
        assert.equal(local[0].authorization.scheme, 'Basic');
        assertNoSecret(...log.lines);
        assert.ok(!log.lines.some((l) => l.includes('X-Amz-Signature=abc')), 'signed query values are redacted in logs');
      } finally {
        await other.stop();
      }
    });

    it('concurrent first requests: one that was sent before the login and is refused late is retried with the token, not failed', async () => {
      const m = faultManifest({ repo: 'app', tag: 'a' });
      const slow = faultManifest({ repo: 'app', tag: 'b' });
      const realm = await startFaultServer(faultTokenRealm({ token: TOKEN }));
      try {
        // Without a token, `b` is refused only after `a` has logged in and finished.
        routes([
          {
            path: /.*/,
            when: (req) => req.headers.authorization !== `Bearer ${TOKEN}`,
            respond: (_req, ctx) => ({
              ...faultError(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': `Bearer realm="${realm.url}/token",service="fault",scope="repository:app:pull"` }),
              delayMs: ctx.url.pathname.endsWith('/b') ? 300 : 0,
            }),
          },
          ...m.routes,
          ...slow.routes,
        ]);
        const results = await client({ concurrency: 2 }).resolveMany('app', ['a', 'b']);
        assert.equal((results.get('a') as { digest: string }).digest, m.digest);
        assert.equal((results.get('b') as { digest: string }).digest, slow.digest, String(results.get('b')));
        assert.equal(realm.log.length, 1, 'one token for both');
      } finally {
        await realm.stop();
      }
    });

    it('a cached token the registry stops accepting (its keys rotated) is fetched again once, then works', async () => {
      const m = faultManifest({ repo: 'app', tag: 'a' });
      let issued = 0;
      let accepted = 'token-1';
      const realm = await startFaultServer([
        { method: ['GET'], path: '/token', respond: () => ({ status: 200, body: { token: `token-${++issued}`, expires_in: 300 } }) },
      ]);
      try {
        routes([
          {
            path: /.*/,
            when: (req) => req.headers.authorization !== `Bearer ${accepted}`,
            respond: (req) =>
              faultError(401, 'UNAUTHORIZED', 'authentication required', {
                'WWW-Authenticate': `Bearer realm="${realm.url}/token",service="fault",scope="repository:app:pull"${req.headers.authorization ? ',error="invalid_token"' : ''}`,
              }),
          },
          ...m.routes,
        ]);
        const c = client();
        assert.equal((await c.resolve('app', 'a')).digest, m.digest);
        assert.equal(issued, 1);
        accepted = 'token-2'; // the registry now refuses token-1
        assert.equal((await c.resolve('app', 'a')).digest, m.digest);
        assert.equal(issued, 2, 'one new token, asked once');
        accepted = 'never';
        await rejectsWith(c.resolve('app', 'a'), 'UNAUTHORIZED');
        assert.equal(issued, 3, 'after a refusal the token is asked for once more, not again and again');
      } finally {
        await realm.stop();
      }
    });

    it('concurrent first requests on a Basic registry: a late 401 to an anonymous request is retried with the password', async () => {
      const m = faultManifest({ repo: 'app', tag: 'a' });
      const slow = faultManifest({ repo: 'app', tag: 'b' });
      const basic = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
      routes([
        {
          path: /.*/,
          when: (req) => req.headers.authorization !== basic,
          respond: (_req, ctx) => ({
            ...faultError(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="fault"' }),
            delayMs: ctx.url.pathname.endsWith('/b') ? 300 : 0,
          }),
        },
        ...m.routes,
        ...slow.routes,
      ]);
      const results = await client({ concurrency: 2, credentials: async () => ({ username: 'alice', password: PASSWORD }) }).resolveMany('app', ['a', 'b']);
      assert.equal((results.get('a') as { digest: string }).digest, m.digest);
      assert.equal((results.get('b') as { digest: string }).digest, slow.digest, String(results.get('b')));
    });

    it('endless redirects stop with BAD_RESPONSE', async () => {
      const digest = sha256Digest('x');
      routes(faultRedirect({ method: 'GET', path: `/v2/app/blobs/${digest}`, to: `/v2/app/blobs/${digest}` }));
      await rejectsWith(client().getBlob('app', digest), 'BAD_RESPONSE', /redirected/);
      assert.ok(fault.log.length <= 7, `${fault.log.length} requests`);
    });
  });

  describe('cancellation and timeouts', () => {
    it('an AbortSignal cancels a slow request promptly (CANCELLED)', async () => {
      routes([{ method: 'GET', path: '/v2/app/tags/list', respond: { status: 200, delayMs: 5000, body: { tags: [] } } }]);
      const ac = new AbortController();
      const started = Date.now();
      setTimeout(() => ac.abort(), 100);
      await rejectsWith(client().listTags('app', { signal: ac.signal }), 'CANCELLED');
      assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    });

    it('an AbortSignal cancels a retry wait (Retry-After 30 s) promptly', async () => {
      routes(faultRetryAfter({ path: '/v2/app/tags/list', times: 10, seconds: 30, then: { status: 200, body: {} } }));
      const ac = new AbortController();
      const started = Date.now();
      setTimeout(() => ac.abort(), 150);
      await rejectsWith(client({ retryBudgetMs: 60_000 }).listTags('app', { signal: ac.signal }), 'CANCELLED');
      assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
      assert.equal(fault.log.length, 1);
    });

    it('an already aborted signal sends nothing', async () => {
      routes(faultV2());
      const ac = new AbortController();
      ac.abort();
      await rejectsWith(client().resolveMany('app', ['a', 'b', 'c'], { signal: ac.signal }), 'CANCELLED');
      assert.equal(fault.log.length, 0);
    });

    it('a batch stops starting work after the abort', async () => {
      routes([{ method: 'HEAD', path: /^\/v2\/app\/manifests\//, respond: { status: 200, delayMs: 200, headers: { 'Docker-Content-Digest': sha256Digest('x') } } }]);
      const ac = new AbortController();
      const tags = Array.from({ length: 40 }, (_, i) => `t${i}`);
      setTimeout(() => ac.abort(), 100);
      await rejectsWith(client({ concurrency: 4 }).resolveMany('app', tags, { signal: ac.signal }), 'CANCELLED');
      assert.ok(fault.log.length <= 8, `${fault.log.length} HEADs were sent`);
    });

    it('a request slower than the per-request timeout is TIMEOUT, retried within bounds', async () => {
      routes([{ method: 'GET', path: '/v2/app/tags/list', respond: { status: 200, delayMs: 3000, body: { tags: [] } } }]);
      const started = Date.now();
      const e = await rejectsWith(client({ timeoutMs: 300, retries: 1 }).listTags('app'), 'TIMEOUT', /did not finish within/);
      assert.ok(e.fix);
      const took = Date.now() - started;
      assert.ok(took >= 550 && took < 2500, `took ${took} ms`);
      assert.equal(fault.log.length, 2);
    });
  });

  describe('TLS (fault server over https with a private certificate)', function () {
    let dir: string;
    let certPath: string;
    let tls: TinyServer;
    let plainRealm: TinyServer;

    before(async () => {
      ensureSystemPackages(['openssl']);
      dir = mkdtempSync(join(tmpdir(), 'regx-tls-'));
      certPath = join(dir, 'cert.pem');
      const keyPath = join(dir, 'key.pem');
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
        { stdio: 'ignore', timeout: 30_000 },
      );
      plainRealm = await startTiny((_q, r) => json(r, 200, { token: TOKEN }));
      tls = await startTiny(
        (req, res) => {
          if (req.url === '/v2/') return json(res, 200, {});
          if (req.url?.startsWith('/v2/unsafe/')) {
            return json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'WWW-Authenticate': `Bearer realm="${plainRealm.url}/token",service="tls",scope="repository:unsafe:pull"` });
          }
          if (req.url?.startsWith('/v2/app/tags/list')) return json(res, 200, { name: 'app', tags: ['secure'] });
          json(res, 404, { errors: [{ code: 'NOT_FOUND' }] });
        },
        { tls: { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') } },
      );
    });
    after(async () => {
      await tls?.stop();
      await plainRealm?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('an unknown certificate is a TLS error with a fix naming the CA file and insecure', async () => {
      const e = await rejectsWith(client({ retries: 0 }, tls.url).ping(), 'TLS', /TLS connection/);
      assert.match(e.fix ?? '', /CA file/);
    });

    it('caFile makes it trusted; verification stays on', async () => {
      const info = await client({ caFile: certPath }, tls.url).ping();
      assert.equal(info.scheme, 'https');
      assert.deepEqual(await client({ caFile: certPath }, tls.url).listTags('app'), ['secure']);
    });

    it('insecure skips verification', async () => {
      assert.deepEqual(await client({ insecure: true }, tls.url).listTags('app'), ['secure']);
    });

    it('a loopback host without a scheme uses https when it works (no fallback to http)', async () => {
      const info = await client({ caFile: certPath }, tls.host).ping();
      assert.equal(info.scheme, 'https');
      assert.equal(info.baseUrl, tls.url);
    });

    it('a loopback host without a scheme falls back to http when https fails, as docker does', async () => {
      routes(faultV2());
      const info = await client({}, fault.host).ping();
      assert.equal(info.scheme, 'http');
      assert.equal(info.baseUrl, fault.url);
    });

    it('a CA file that cannot be read is BAD_INPUT naming the file', () => {
      assert.throws(
        () => createRegistryClient({ url: tls.url, caFile: join(dir, 'missing.pem') }),
        (e: unknown) => isRegistryError(e, 'BAD_INPUT') && e.message.includes('missing.pem'),
      );
    });

    it('a plain-http token realm for an https registry is refused (UNSAFE_AUTH), even anonymously', async () => {
      const before = plainRealm.hits.length;
      const e = await rejectsWith(client({ caFile: certPath }, tls.url).listTags('unsafe'), 'UNSAFE_AUTH', /plain-http token server/);
      assert.match(e.fix ?? '', /https/);
      const withCreds = client({ caFile: certPath, credentials: async () => ({ username: 'alice', password: PASSWORD }) }, tls.url);
      await rejectsWith(withCreds.listTags('unsafe'), 'UNSAFE_AUTH');
      assert.equal(plainRealm.hits.length, before, 'the plain-http realm was never contacted');
    });
  });
});

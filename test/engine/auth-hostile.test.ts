// Credentials against hostile or broken servers (issue "Safety holes found by hostile testing"), on fault servers
// at three loopback origins (the registry, another origin, a token realm), each recording only whether an
// Authorization header came and its scheme:
// - credentials go only to the registry's own origin: upload Locations, redirects and next-page Links elsewhere
//   get no Authorization and no answered challenge (a Link elsewhere gets nothing at all);
// - a rejected token (RFC 6750 invalid_token, or the user's own token refused) is not a missing permission;
// - every auth error says what is needed (`need`) in words of no face;
// - a registry that echoes the Authorization header in its error body never gets a secret into an error.
// No secret is printed by these tests either: failures name codes and redacted text only.
import * as assert from 'node:assert/strict';
import { createRegistryClient } from '../../src/registry/client';
import { RegistryError, type ErrorCode, type Need } from '../../src/registry/errors';
import type { Credential, Logger, RegistryClient, RegistryOptions } from '../../src/registry/types';
import { faultBearer, faultError, faultTokenRealm, sha256Digest, startFaultServer, type FaultRoute, type FaultServer } from '../support/fault-server';
import { rejectsWith as sharedRejectsWith } from '../support/assertions';

const USER = 'alice';
const PASSWORD = 'hostile-pw-Q8v3xL';
const BASIC_VALUE = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const BASIC = `Basic ${BASIC_VALUE}`;
/** What the token realm issues. */
const TOKEN = 'hostile-token-Zt41mN';
/** A ready token the user pasted (it is never the one the registry accepts, unless a test says so). */
const PASTED = 'pasted-token-Kd92Jw';
const IDENTITY = 'identity-token-Pq55sR';
const SECRETS = [PASSWORD, BASIC_VALUE, TOKEN, PASTED, IDENTITY];

const LOGIN: Credential = { username: USER, password: PASSWORD };

/** Words of one face (the CLI's flags, the extension's buttons) that an engine fix must not contain. */
const FACE_WORDS = /regx|--[a-z]|\B-u\b|password-stdin|Edit Credentials|the extension|docker login|button/i;

function hide(text: string): string {
  return SECRETS.reduce((out, s) => out.split(s).join('<secret>'), text);
}

function assertNoSecret(what: string, ...texts: (string | undefined)[]): void {
  for (const text of texts) {
    if (text === undefined) continue;
    for (const s of SECRETS) assert.ok(!text.includes(s), `a secret leaked into ${what}`);
  }
}

/** The shared rejectsWith, checking every error for secrets, and printing none when it fails. */
function rejectsWith(p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<RegistryError> {
  return sharedRejectsWith(p, code, message, (e) => assertNoSecret('the error message, fix or stack', e.message, e.fix, e.stack), hide);
}

/** The error says what the user must supply, with a fix that is a sentence in words of no face. */
function assertNeed(e: RegistryError, need: Need): void {
  assert.equal(e.need, need, `need of: ${hide(e.message)}`);
  assert.ok(e.fix && /^[A-Z].*\.$/.test(e.fix), `fix is a sentence: ${hide(e.fix ?? '(none)')}`);
  assert.ok(!FACE_WORDS.test(e.fix), `the fix names a face: ${hide(e.fix)}`);
}

/** 401 with a Basic challenge unless the right Basic header came. */
function basicGuard(): FaultRoute {
  return { path: /.*/, when: (req) => req.headers.authorization !== BASIC, respond: faultError(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="fault"' }) };
}

describe('credentials against hostile servers', function () {
  this.timeout(20_000);
  let registry: FaultServer;
  let other: FaultServer;
  let realm: FaultServer;
  const clients: RegistryClient[] = [];
  const logLines: string[] = [];
  const logger: Logger = { trace: (m) => logLines.push(m), debug: (m) => logLines.push(m), warn: (m) => logLines.push(m) };

  function client(credentials?: Credential, extra: Partial<RegistryOptions> = {}): RegistryClient {
    const c = createRegistryClient({ url: registry.url, retries: 0, retryBaseMs: 5, timeoutMs: 5000, logger, credentials: credentials && (async () => credentials), ...extra });
    clients.push(c);
    return c;
  }

  /** Registry routes behind Basic (the password over plain http) or behind a bearer token from the realm. */
  function guarded(kind: 'basic' | 'bearer', routes: FaultRoute[]): FaultRoute[] {
    return kind === 'basic' ? [basicGuard(), ...routes] : faultBearer({ realm: `${realm.url}/token`, token: TOKEN }, routes);
  }

  function serve(server: FaultServer, routes: FaultRoute[]): void {
    server.setRoutes(routes);
    server.reset();
  }

  before(async () => {
    registry = await startFaultServer([]);
    other = await startFaultServer([]);
    realm = await startFaultServer([]);
  });
  beforeEach(() => {
    serve(other, []);
    serve(realm, faultTokenRealm({ token: TOKEN, basic: { username: USER, password: PASSWORD } }));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await Promise.all([registry, other, realm].map((s) => s.stop()));
  });

  describe('credentials go only to the registry’s own origin', () => {
    const blob = Buffer.from('layer bytes');
    const digest = sha256Digest(blob);

    /** HEAD says the blob is missing; POST starts an upload whose Location is on the other origin. */
    function uploadRoutes(): FaultRoute[] {
      return [
        { method: 'HEAD', path: `/v2/app/blobs/${digest}`, respond: faultError(404, 'BLOB_UNKNOWN', 'blob unknown') },
        { method: 'POST', path: '/v2/app/blobs/uploads/', respond: { status: 202, headers: { Location: `${other.url}/upload/1?_state=abc` } } },
      ];
    }

    for (const kind of ['basic', 'bearer'] as const) {
      it(`${kind}: a blob upload whose Location is on another origin: the PUT there carries no Authorization`, async () => {
        serve(registry, guarded(kind, uploadRoutes()));
        serve(other, [{ method: 'PUT', path: '/upload/1', respond: { status: 201 } }]);
        await client(LOGIN).ensureBlob('app', blob, digest);
        const puts = other.requests({ method: 'PUT' });
        assert.equal(puts.length, 1);
        assert.equal(puts[0].authorization.present, false, 'Authorization went to another origin');
        assert.match(puts[0].url, /[?&]digest=sha256%3A|[?&]digest=sha256:/);
        assert.equal(puts[0].bodyBytes, blob.length);
        // The registry's own origin still got the credentials.
        const posts = registry.requests({ method: 'POST' }).filter((r) => r.status === 202);
        assert.equal(posts.length, 1);
        assert.equal(posts[0].authorization.scheme, kind === 'basic' ? 'Basic' : 'Bearer');
      });
    }

    it('the other origin’s challenge is not answered: its 401 ends the upload, and it never saw credentials', async () => {
      serve(registry, guarded('basic', uploadRoutes()));
      serve(other, [{ path: /.*/, respond: faultError(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="elsewhere"' }) }]);
      await rejectsWith(client(LOGIN).ensureBlob('app', blob, digest), 'UNAUTHORIZED');
      assert.equal(other.log.length, 1);
      assert.equal(other.log[0].authorization.present, false, 'Authorization went to another origin');
    });

    for (const kind of ['basic', 'bearer'] as const) {
      it(`${kind}: redirects of HEAD and GET (manifest and blob) to another origin carry no Authorization`, async () => {
        const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: blob.length }, layers: [] }));
        const manifestDigest = sha256Digest(manifest);
        const manifestHeaders = { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': manifestDigest };
        serve(
          registry,
          guarded(kind, [
            { method: ['GET', 'HEAD'], path: '/v2/app/manifests/v1', respond: { status: 307, headers: { Location: `${other.url}/m/v1?sig=x` } } },
            { method: 'GET', path: `/v2/app/blobs/${digest}`, respond: { status: 307, headers: { Location: `${other.url}/b/1` } } },
          ]),
        );
        serve(other, [
          { method: 'HEAD', path: '/m/v1', respond: { status: 200, headers: manifestHeaders, contentLength: manifest.length } },
          { method: 'GET', path: '/m/v1', respond: { status: 200, headers: manifestHeaders, body: manifest } },
          { method: 'GET', path: '/b/1', respond: { status: 200, body: blob } },
        ]);
        const c = client(LOGIN);
        assert.equal((await c.resolve('app', 'v1')).digest, manifestDigest);
        assert.equal((await c.getManifest('app', 'v1')).digest, manifestDigest);
        assert.deepEqual(Buffer.from(await c.getBlob('app', digest)), blob);
        assert.deepEqual(
          other.log.map((r) => `${r.method} ${r.path} ${r.authorization.present}`),
          ['HEAD /m/v1 false', 'GET /m/v1 false', 'GET /b/1 false'],
        );
        const authorized = registry.log.filter((r) => r.status === 307);
        assert.equal(authorized.length, 3);
        for (const r of authorized) assert.equal(r.authorization.scheme, kind === 'basic' ? 'Basic' : 'Bearer');
      });
    }

    it('a redirect to an origin that asks for a login: not answered, nothing sent there but the one bare request', async () => {
      serve(registry, guarded('basic', [{ method: 'GET', path: `/v2/app/blobs/${digest}`, respond: { status: 302, headers: { Location: `${other.url}/b/1` } } }]));
      serve(other, [{ path: /.*/, respond: faultError(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="elsewhere"' }) }]);
      const e = await rejectsWith(client(LOGIN).getBlob('app', digest), 'UNAUTHORIZED', /another host .* asks for a login; logins go only to/);
      assert.equal(e.need, undefined, 'the user’s login is not what is missing');
      assert.equal(other.log.length, 1);
      assert.equal(other.log[0].authorization.present, false);
    });

    /** Page 1 (a, b) links to `next`; page 2 (after b) is c, d. */
    function pagedTags(next: string): FaultRoute[] {
      return guarded('basic', [
        {
          method: 'GET',
          path: '/v2/app/tags/list',
          respond: (_req, ctx) =>
            ctx.url.searchParams.get('last') === 'b'
              ? { status: 200, body: { name: 'app', tags: ['c', 'd'] } }
              : { status: 200, headers: { Link: `<${next}>; rel="next"` }, body: { name: 'app', tags: ['a', 'b'] } },
        },
      ]);
    }

    it('a next-page Link naming another origin, for this same listing: nothing goes there; the page is read from the registry', async () => {
      serve(registry, pagedTags(`${other.url}/v2/app/tags/list?n=2&last=b`));
      serve(other, [{ path: /.*/, respond: { status: 200, body: { name: 'app', tags: ['x', 'y'] } } }]);
      assert.deepEqual(await client(LOGIN).listTags('app', { pageSize: 2 }), ['a', 'b', 'c', 'd']);
      assert.equal(other.log.length, 0, 'the other origin received a request');
      const pages = registry.requests({ path: '/v2/app/tags/list' }).filter((r) => r.status === 200);
      assert.equal(pages.length, 2);
      for (const p of pages) assert.equal(p.authorization.scheme, 'Basic');
      assert.match(pages[1].url, /last=b/);
    });

    it('a next-page Link to another origin elsewhere: nothing goes there; listTags refuses an incomplete list, browseTags marks it', async () => {
      serve(registry, pagedTags(`${other.url}/elsewhere/tags?last=b`));
      const c = client(LOGIN);
      const e = await rejectsWith(c.listTags('app', { pageSize: 2 }), 'INCOMPLETE_LIST', /incomplete/);
      assert.ok(e.fix);
      const listing = await c.browseTags('app', { pageSize: 2 });
      assert.deepEqual(listing.items, ['a', 'b']);
      assert.ok(listing.incomplete, 'the listing is marked incomplete');
      assert.match(listing.incomplete.why, new RegExp(other.host.replace(/\./g, '\\.')));
      assert.equal(other.log.length, 0, 'the other origin received a request');
    });

    it('an identity token is never sent to a plain-http token realm on another host', async () => {
      // `localhost` is another host name than the registry's 127.0.0.1: the rule compares names, not addresses.
      serve(registry, faultBearer({ realm: `http://localhost:${realm.port}/token`, token: TOKEN }, [{ method: 'GET', path: '/v2/', respond: { status: 200, body: {} } }]));
      await rejectsWith(client({ identityToken: IDENTITY }).ping(), 'UNSAFE_AUTH', /plain http to another host/);
      assert.equal(realm.log.length, 0, 'the realm was contacted');
    });
  });

  describe('a rejected token is not a missing permission', () => {
    const tags: FaultRoute = { method: 'GET', path: '/v2/app/tags/list', respond: { status: 200, body: { name: 'app', tags: ['1'] } } };

    /** 401 Bearer to anything but `accepted`; with an Authorization header, the challenge carries `error` (if given). */
    function bearerRefusing(accepted: string, error?: 'invalid_token' | 'insufficient_scope'): FaultRoute[] {
      return [
        {
          path: /.*/,
          when: (req) => req.headers.authorization !== `Bearer ${accepted}`,
          respond: (req) =>
            faultError(401, 'UNAUTHORIZED', 'authentication required', {
              'WWW-Authenticate': `Bearer realm="${realm.url}/token",service="fault",scope="repository:app:pull"${req.headers.authorization && error ? `,error="${error}"` : ''}`,
            }),
        },
        tags,
      ];
    }

    for (const error of [undefined, 'invalid_token'] as const) {
      it(`a pasted registry token the registry refuses (${error ? `error="${error}"` : 'no error parameter'}): UNAUTHORIZED, rejected, need credentials`, async () => {
        serve(registry, bearerRefusing(TOKEN, error));
        const e = await rejectsWith(client({ registryToken: PASTED }).listTags('app'), 'UNAUTHORIZED', /rejected the registry token \(expired or invalid\)/);
        assertNeed(e, 'credentials');
        assert.equal(realm.log.length, 0, 'a pasted token is used as it is: no token server');
      });
    }

    it('a pasted token that lacks the scope (error="insufficient_scope") is INSUFFICIENT_SCOPE, need permission', async () => {
      serve(registry, bearerRefusing(TOKEN, 'insufficient_scope'));
      const e = await rejectsWith(client({ registryToken: PASTED }).listTags('app'), 'INSUFFICIENT_SCOPE', /lacks the permission repository:app:pull/);
      assert.equal(e.scope, 'repository:app:pull');
      assertNeed(e, 'permission');
    });

    it('a pasted token the registry accepts just works', async () => {
      serve(registry, bearerRefusing(PASTED));
      assert.deepEqual(await client({ registryToken: PASTED }).listTags('app'), ['1']);
    });

    it('a fetched token the registry calls invalid_token: UNAUTHORIZED, rejected, need credentials; asked for once more at most', async () => {
      serve(registry, bearerRefusing('never', 'invalid_token'));
      const e = await rejectsWith(client(LOGIN).listTags('app'), 'UNAUTHORIZED', /rejected the token from its token server \(expired or invalid\)/);
      assertNeed(e, 'credentials');
      assert.ok(realm.log.length >= 1 && realm.log.length <= 2, `${realm.log.length} token requests`);
    });

    it('insufficient_scope stays INSUFFICIENT_SCOPE: need permission when logged in, login when anonymous', async () => {
      serve(realm, faultTokenRealm({ token: TOKEN }));
      serve(registry, bearerRefusing('never', 'insufficient_scope'));
      const e = await rejectsWith(client(LOGIN).listTags('app'), 'INSUFFICIENT_SCOPE', /the user alice lacks the permission repository:app:pull/);
      assert.equal(e.scope, 'repository:app:pull');
      assertNeed(e, 'permission');
      assert.match(e.fix ?? '', /pull rights on app/);
      const anonymous = await rejectsWith(client().listTags('app'), 'INSUFFICIENT_SCOPE', /requires a login/);
      assertNeed(anonymous, 'login');
    });
  });

  describe('every auth error says what is needed, in words of no face', () => {
    const v2: FaultRoute = { method: 'GET', path: '/v2/', respond: { status: 200, body: {} } };

    it('Basic: anonymous needs a login; a wrong password needs other credentials', async () => {
      serve(registry, guarded('basic', [v2]));
      assertNeed(await rejectsWith(client().ping(), 'UNAUTHORIZED', /requires a login/), 'login');
      const wrong = await rejectsWith(client({ username: USER, password: `${PASSWORD}-wrong` }).ping(), 'UNAUTHORIZED', /rejected the credentials for user alice/);
      assertNeed(wrong, 'credentials');
      const tokenOnly = await rejectsWith(client({ registryToken: PASTED }).ping(), 'UNAUTHORIZED', /user name and password/);
      assertNeed(tokenOnly, 'credentials');
    });

    it('Bearer: the token server refusing a password needs credentials; refusing anonymous needs a login', async () => {
      serve(registry, guarded('bearer', [v2]));
      const wrong = await rejectsWith(client({ username: USER, password: `${PASSWORD}-wrong` }).ping(), 'UNAUTHORIZED', /token server .* rejected the credentials for user alice/);
      assertNeed(wrong, 'credentials');
      assertNeed(await rejectsWith(client().ping(), 'UNAUTHORIZED', /token server .* requires a login/), 'login');
    });

    it('an identity token the token server calls invalid_grant needs new credentials', async () => {
      serve(realm, [{ method: 'POST', path: '/token', respond: { status: 400, body: { error: 'invalid_grant', error_description: 'refresh token expired' } } }]);
      serve(registry, guarded('bearer', [v2]));
      const e = await rejectsWith(client({ identityToken: IDENTITY }).ping(), 'UNAUTHORIZED', /rejected the identity token/);
      assertNeed(e, 'credentials');
    });

    it('a 401 without a challenge this client knows: login when anonymous, credentials when logged in', async () => {
      serve(registry, [{ path: /.*/, respond: faultError(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Negotiate' }) }]);
      assertNeed(await rejectsWith(client().ping(), 'UNAUTHORIZED', /did not say how to log in/), 'login');
      assertNeed(await rejectsWith(client(LOGIN).ping(), 'UNAUTHORIZED', /did not say how to log in/), 'credentials');
    });
  });

  describe('a registry that echoes the Authorization header in its error body', () => {
    /** 403 DENIED and 500 whose messages quote the Authorization header and its bare value. */
    function echoing(): FaultRoute[] {
      const echo = (auth: string | undefined): string => `bad header Authorization: ${auth}; credential ${auth?.split(' ')[1]}`;
      return [
        { method: 'GET', path: '/v2/app/tags/list', respond: (req) => faultError(403, 'DENIED', echo(req.headers.authorization)) },
        { method: 'GET', path: '/v2/app/manifests/v1', respond: (req) => faultError(500, 'UNKNOWN', echo(req.headers.authorization)) },
      ];
    }

    async function expectRedacted(c: RegistryClient): Promise<void> {
      const denied = await rejectsWith(c.listTags('app'), 'FORBIDDEN');
      assert.ok(denied.message.includes('DENIED: bad header Authorization:'), hide(denied.message));
      const failed = await rejectsWith(c.getManifest('app', 'v1'), 'SERVER');
      assert.ok(failed.message.includes('UNKNOWN: bad header Authorization:'), hide(failed.message));
    }

    it('Basic: neither the password nor its base64 appears in any error', async () => {
      serve(registry, guarded('basic', echoing()));
      await expectRedacted(client(LOGIN));
    });

    it('Bearer: the fetched token does not appear in any error', async () => {
      serve(registry, guarded('bearer', echoing()));
      await expectRedacted(client(LOGIN));
    });

    it('a pasted registry token does not appear in any error', async () => {
      serve(registry, faultBearer({ realm: `${realm.url}/token`, token: PASTED }, echoing()));
      await expectRedacted(client({ registryToken: PASTED }));
    });
  });

  // Last (mocha runs a suite's own tests before its nested suites): the log of everything above.
  describe('the log', () => {
    it('has no secret in any line of this suite', () => {
      assert.ok(logLines.length > 20, 'the logger saw the traffic');
      assertNoSecret('a log line', ...logLines);
    });
  });
});

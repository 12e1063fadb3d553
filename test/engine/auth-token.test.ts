// Bearer token auth against a REAL registry (docker-registry 2.8.2, `auth.token`) and the test token server:
// token caching, scopes (pull, delete, the `*` fallback, the catalog), identity tokens (OAuth2 refresh_token),
// wrong credentials, expiry — and no secret in any error or log line.
import * as assert from 'node:assert/strict';
import { createRegistryClient } from '../../src/registry/client';
import { RegistryError, type ErrorCode } from '../../src/registry/errors';
import type { Credential, Logger, RegistryClient, RegistryOptions } from '../../src/registry/types';
import { rejectsWith as sharedRejectsWith } from '../support/assertions';
import { startRegistry, type RegistryUser, type TestRegistry } from '../support/registry';
import { pushImage, pushManyTags, seedStandard, type PushedTags, type StandardDataset } from '../support/seed';
import { ACCESS_PULL_ONLY, ACCESS_STAR_NOT_DELETE, type TokenServer } from '../support/token-server';
import { reviewDeletion, reviewUntag, untagReviewed } from '../../src/ops';
/** What deleting `ref` removes, as the engine's review says (the shape these tests compare). */
async function impactOf(c: RegistryClient, repository: string, ref: string): Promise<{ repository: string; digest: string; tags: string[]; mediaType?: string }> {
  const image = (await reviewDeletion(c, repository, [ref])).images[0];
  return { repository, digest: image.digest, tags: image.tags, mediaType: image.mediaType };
}

/** Untag through the engine's operation (review, then untag). */
async function untagVia(c: RegistryClient, repository: string, tag: string, options: { fallback?: boolean } = {}): Promise<void> {
  await untagReviewed(c, await reviewUntag(c, repository, tag), options);
}


const REFRESH = 'regx-identity-token-for-dave-5Tq';

describe('token auth on a real registry', function () {
  this.timeout(60_000);
  let reg: TestRegistry;
  let ts: TokenServer;
  let data: StandardDataset;
  let many: PushedTags;
  const users: Record<string, RegistryUser> = {};
  const clients: RegistryClient[] = [];
  const logLines: string[] = [];
  const logger: Logger = { trace: (m) => logLines.push(m), debug: (m) => logLines.push(m), warn: (m) => logLines.push(m) };
  const errorTexts: string[] = [];

  const login = (name: string): Credential => ({ username: users[name].username, password: users[name].password });

  function client(cred: Credential | undefined, extra: Partial<RegistryOptions> = {}, target: TestRegistry = reg): RegistryClient {
    const c = createRegistryClient({ url: target.url, credentials: cred ? async () => cred : undefined, logger, retryBaseMs: 10, ...extra });
    clients.push(c);
    return c;
  }

  const rejectsWith = (p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<RegistryError> =>
    sharedRejectsWith(p, code, message, (e) => errorTexts.push(e.message, e.fix ?? '', String(e.stack)));

  before(async () => {
    reg = await startRegistry({
      auth: 'token',
      users: [
        { username: 'alice' },
        { username: 'bob', access: ACCESS_PULL_ONLY },
        { username: 'carol', access: ACCESS_STAR_NOT_DELETE },
        { username: 'dave', refreshToken: REFRESH },
        { username: 'erin', access: [{ type: 'repository', name: '*', actions: ['pull'] }] },
      ],
    });
    ts = reg.tokenServer!;
    for (const u of reg.users) users[u.username] = u;
    data = await seedStandard(reg, { big: false });
    many = await pushManyTags(reg, 'many', 100, { distinctDigests: true, concurrency: 8 });
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await reg?.stop();
  });

  it('ping says bearer; reads work with a pull token', async () => {
    const c = client(login('alice'));
    const info = await c.ping();
    assert.equal(info.auth, 'bearer');
    assert.deepEqual(await c.listRepositories(), [...data.names, 'many'].sort());
    assert.equal((await c.resolve('multi', 'latest')).digest, data.repositories.multi.tags.latest);
  });

  it('the token is cached: 100 concurrent and 100 sequential HEADs ask the token server once', async () => {
    ts.reset();
    const c = client(login('alice'), { concurrency: 16 });
    const results = await c.resolveMany('many', many.tags);
    for (const tag of many.tags) assert.equal((results.get(tag) as { digest: string }).digest, many.digests[tag], `${tag}: ${String(results.get(tag))}`);
    for (const tag of many.tags) assert.equal((await c.resolve('many', tag)).digest, many.digests[tag]);
    assert.equal(ts.requests.length, 1, JSON.stringify(ts.requests));
    assert.deepEqual(ts.requests[0].scopes, ['repository:many:pull']);
    assert.equal(ts.requests[0].username, 'alice');
    assert.equal(ts.requests[0].grantType, 'basic');
    assert.equal(ts.requests[0].service, ts.service);
  });

  it('a token is asked per scope: the catalog and each repository get their own', async () => {
    ts.reset();
    const c = client(login('alice'));
    await c.listRepositories();
    await c.listTags('app');
    await c.listTags('app');
    await c.listTags('team/api');
    assert.deepEqual(
      ts.requests.map((r) => r.scopes.join(' ')),
      ['registry:catalog:*', 'repository:app:pull', 'repository:team/api:pull'],
    );
  });

  it('a user without delete permission: INSUFFICIENT_SCOPE naming repository:<name>:delete, nothing deleted', async () => {
    const img = await pushImage(reg, 'scratch-bob', ['1.0.0'], { salt: 'bob' });
    ts.reset();
    const c = client(login('bob'));
    assert.deepEqual(await c.listTags('scratch-bob'), ['1.0.0']);
    const e = await rejectsWith(c.deleteManifest('scratch-bob', img.digest), 'INSUFFICIENT_SCOPE', /repository:scratch-bob:delete/);
    assert.equal(e.scope, 'repository:scratch-bob:delete');
    assert.match(e.message, /bob/);
    assert.match(e.fix ?? '', /repository:scratch-bob:delete/);
    // It asked for delete, then for * as skopeo does, and got neither.
    const asked = ts.requests.flatMap((r) => r.scopes);
    assert.ok(asked.includes('repository:scratch-bob:delete'), asked.join(' '));
    assert.ok(asked.includes('repository:scratch-bob:*'), asked.join(' '));
    assert.equal((await client(login('alice')).resolve('scratch-bob', '1.0.0')).digest, img.digest);
  });

  it('a token server that refuses delete but grants *: the delete succeeds through the * scope', async () => {
    const img = await pushImage(reg, 'scratch-carol', ['1.0.0', 'latest'], { salt: 'carol' });
    ts.reset();
    const c = client(login('carol'));
    assert.deepEqual(await c.deleteManifest('scratch-carol', img.digest), { digest: img.digest, alreadyGone: false });
    const asked = ts.requests.flatMap((r) => r.scopes);
    assert.ok(asked.includes('repository:scratch-carol:delete'), asked.join(' '));
    assert.ok(asked.includes('repository:scratch-carol:*'), asked.join(' '));
    await assert.rejects(c.resolve('scratch-carol', 'latest'), (e: unknown) => e instanceof RegistryError && (e.code === 'NOT_FOUND' || e.code === 'MANIFEST_UNKNOWN'));
  });

  it('a user with delete permission deletes with the delete scope alone (no * asked)', async () => {
    const img = await pushImage(reg, 'scratch-alice', ['1.0.0', 'latest'], { salt: 'alice' });
    const keep = await pushImage(reg, 'scratch-alice', ['0.9.0'], { salt: 'alice-keep' });
    ts.reset();
    const c = client(login('alice'));
    const impact = await impactOf(c, 'scratch-alice', '1.0.0');
    assert.deepEqual(impact.tags, ['1.0.0', 'latest']);
    assert.deepEqual(await c.deleteManifest('scratch-alice', impact.digest), { digest: img.digest, alreadyGone: false });
    assert.deepEqual(await c.listTags('scratch-alice'), ['0.9.0']);
    assert.equal((await c.resolve('scratch-alice', '0.9.0')).digest, keep.digest);
    const asked = ts.requests.flatMap((r) => r.scopes);
    assert.ok(asked.includes('repository:scratch-alice:delete'));
    assert.ok(!asked.some((s) => s.endsWith(':*')), asked.join(' '));
  });

  it('untag with the fallback works through push and delete tokens, leaving the other tags', async () => {
    const img = await pushImage(reg, 'scratch-untag', ['a', 'b'], { salt: 'token-untag' });
    const c = client(login('alice'));
    await untagVia(c, 'scratch-untag', 'a', { fallback: true });
    assert.deepEqual(await c.listTags('scratch-untag'), ['b']);
    assert.equal((await c.resolve('scratch-untag', 'b')).digest, img.digest);
  });

  it('an identity token is exchanged with the OAuth2 refresh_token POST, never sent as a password', async () => {
    ts.reset();
    const c = client({ identityToken: REFRESH });
    assert.equal((await c.ping()).auth, 'bearer');
    assert.deepEqual([...(await c.listTags('app'))].sort(), Object.keys(data.repositories.app.tags).sort());
    assert.equal((await c.resolve('app', 'latest')).digest, data.repositories.app.tags.latest);
    assert.ok(ts.requests.length >= 1);
    for (const r of ts.requests) {
      assert.equal(r.method, 'POST');
      assert.equal(r.grantType, 'refresh_token');
      assert.equal(r.username, 'dave');
      assert.equal(r.status, 200);
    }
    assert.deepEqual(ts.requests.flatMap((r) => r.scopes), ['repository:app:pull']);
  });

  it('an unknown identity token: the token server refuses it, a clear error, the token not in it', async () => {
    const e = await rejectsWith(client({ identityToken: `${REFRESH}-revoked` }).listTags('app'), 'UNAUTHORIZED', /rejected the identity token/);
    assert.match(e.fix ?? '', /log in again/i);
  });

  it('a wrong password: UNAUTHORIZED from the token server, naming the user and not the password', async () => {
    const e = await rejectsWith(client({ username: 'alice', password: 'not-alices-password-4R' }).listTags('app'), 'UNAUTHORIZED', /rejected the credentials for user alice/);
    assert.ok(!e.message.includes('not-alices-password-4R'));
    assert.match(e.fix ?? '', /password/);
  });

  it('anonymous: the registry wants a login — the missing permission is named', async () => {
    const e = await rejectsWith(client(undefined).listTags('app'), 'INSUFFICIENT_SCOPE', /anonymous/);
    assert.equal(e.scope, 'repository:app:pull');
  });

  it('a user without catalog access: CATALOG_UNAVAILABLE, add repositories by name; tags still work', async () => {
    const c = client(login('erin'));
    await rejectsWith(c.listRepositories(), 'CATALOG_UNAVAILABLE', /add repositories by name/);
    assert.deepEqual([...(await c.listTags('team/api'))].sort(), ['0.9.0', '1.0.0', 'stable']);
  });

  it('a failing token server: SERVER naming the token server, after bounded retries', async () => {
    ts.reset();
    ts.setFailure(503);
    try {
      await rejectsWith(client(login('alice'), { retries: 2 }).listTags('app'), 'SERVER', /token server/);
      assert.equal(ts.requests.length, 3);
    } finally {
      ts.setFailure(undefined);
    }
  });

  it('no password, identity token or bearer token in any error message, fix, stack or log line of this suite', () => {
    assert.ok(logLines.length > 50, 'the logger saw the traffic');
    assert.ok(errorTexts.length > 0);
    const secrets = [REFRESH, ...Object.values(users).map((u) => u.password), ...Object.values(users).map((u) => Buffer.from(`${u.username}:${u.password}`).toString('base64'))];
    for (const text of [...logLines, ...errorTexts]) {
      for (const s of secrets) assert.ok(!text.includes(s), `a secret leaked into: ${text}`);
      assert.ok(!/eyJ[A-Za-z0-9_-]{10,}/.test(text), `a JWT leaked into: ${text}`);
    }
  });

  describe('token expiry', () => {
    let short: TestRegistry;
    before(async () => {
      short = await startRegistry({ auth: 'token', token: { expiresIn: 2 } });
      await pushImage(short, 'app', ['1'], { salt: 'expiry' });
    });
    after(async () => {
      await short?.stop();
    });

    it('a cached token is used until expires_in, then a new one is asked for', async () => {
      const u = short.users[0];
      const c = client({ username: u.username, password: u.password }, {}, short);
      short.tokenServer!.reset();
      await c.resolve('app', '1');
      await c.resolve('app', '1');
      assert.equal(short.tokenServer!.issuedCount(), 1);
      await new Promise((r) => setTimeout(r, 2100));
      await c.resolve('app', '1');
      assert.equal(short.tokenServer!.issuedCount(), 2);
    });
  });
});

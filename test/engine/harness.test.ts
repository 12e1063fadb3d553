// Proves the test harness works against the real docker-registry binary (and that the fault server behaves),
// using raw HTTP only: every other suite builds on these pieces.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { ACCESS_PULL_ONLY, ACCESS_STAR_NOT_DELETE, libtrustKeyId } from '../support/token-server';
import { credentialSource, startRegistry, type RegistryUser, type TestRegistry } from '../support/registry';
import { FULL_ACCEPT, pushImage, pushIndex, pushManyTags, seedStandard, type StandardDataset } from '../support/seed';
import {
  FAULT_CHALLENGES,
  faultBearer,
  faultManifest,
  faultPagedList,
  faultRedirect,
  faultReset,
  faultRetryAfter,
  faultTagStore,
  faultTokenRealm,
  faultV2,
  sha256Digest,
  startFaultServer,
  type FaultServer,
} from '../support/fault-server';
import { ensureSystemPackages, missingSystemPackages } from '../support/system';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';

function basic(u: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}`;
}

async function headDigest(url: string, headers: Record<string, string> = {}): Promise<{ status: number; digest: string | null; type: string | null }> {
  const res = await fetch(url, { method: 'HEAD', headers: { Accept: FULL_ACCEPT, ...headers } });
  return { status: res.status, digest: res.headers.get('docker-content-digest'), type: res.headers.get('content-type') };
}

async function getToken(reg: TestRegistry, user: RegistryUser | undefined, scopes: string[]): Promise<string> {
  const ts = reg.tokenServer!;
  const q = new URLSearchParams({ service: ts.service });
  for (const s of scopes) q.append('scope', s);
  const res = await fetch(`${ts.realm}?${q}`, { headers: user ? { Authorization: basic(user) } : {} });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { token: string; access_token: string; expires_in: number; issued_at: string };
  assert.equal(body.token, body.access_token);
  assert.ok(Date.parse(body.issued_at) > 0);
  return body.token;
}

describe('harness: system packages', () => {
  it('finds the installed binaries and reports a missing package without installing it', () => {
    ensureSystemPackages(['docker-registry', 'apache2-utils', 'openssl']);
    assert.deepEqual(missingSystemPackages(['docker-registry', 'htpasswd']), []);
    assert.deepEqual(missingSystemPackages(['regx-no-such-package']), ['regx-no-such-package']);
  });
});

describe('harness: registry without auth, standard dataset', function () {
  this.timeout(60_000);
  let reg: TestRegistry;
  let data: StandardDataset;

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    data = await seedStandard(reg);
  });
  after(async () => {
    await reg?.stop();
  });

  it('lists every seeded repository in the catalog', async () => {
    const body = (await (await fetch(`${reg.url}/v2/_catalog?n=100`)).json()) as { repositories: string[] };
    assert.deepEqual(body.repositories, ['app', 'big', 'multi', 'team/api']);
    assert.deepEqual(data.names, ['app', 'big', 'multi', 'team/api']);
  });

  it('serves each seeded tag with the recorded digest and media type (full Accept list)', async () => {
    for (const name of ['app', 'team/api', 'multi']) {
      const repo = data.repositories[name];
      const listed = (await (await fetch(`${reg.url}/v2/${name}/tags/list`)).json()) as { tags: string[] };
      assert.deepEqual([...listed.tags].sort(), Object.keys(repo.tags).sort());
      for (const [tag, digest] of Object.entries(repo.tags)) {
        const h = await headDigest(`${reg.url}/v2/${name}/manifests/${tag}`);
        assert.equal(h.status, 200, `${name}:${tag}`);
        assert.equal(h.digest, digest, `${name}:${tag}`);
        assert.equal(h.type, repo.manifests[digest].mediaType, `${name}:${tag}`);
      }
    }
    const app = data.repositories.app;
    assert.equal(app.tags.latest, app.tags['2.0.0']);
    assert.notEqual(app.tags['2.1.0'], app.tags['2.0.0']);
    assert.equal(data.repositories['team/api'].tags.stable, data.repositories['team/api'].tags['1.0.0']);
    assert.equal(data.repositories.multi.manifests[data.repositories.multi.tags['1.0.0']].children?.length, 2);
    // Created dates are distinct and the old ones are months back.
    const created = new Set(Object.values(app.manifests).map((m) => m.created));
    assert.equal(created.size, Object.keys(app.manifests).length);
    assert.ok(Date.parse(app.manifests[app.tags['1.0.0']].created!) < Date.now() - 300 * 86_400_000);
  });

  it('stores the image config with the created date', async () => {
    const app = data.repositories.app;
    const m = app.manifests[app.tags['1.1.0']];
    const config = (await (await fetch(`${reg.url}/v2/app/blobs/${m.configDigest}`)).json()) as { created: string; architecture: string };
    assert.equal(config.created, m.created);
    assert.equal(config.architecture, 'amd64');
  });

  it('seeds 1050 tags with distinct digests in big', async () => {
    const listed = (await (await fetch(`${reg.url}/v2/big/tags/list`)).json()) as { tags: string[] };
    assert.equal(listed.tags.length, 1050);
    const big = data.repositories.big;
    assert.equal(new Set(Object.values(big.tags)).size, 1050);
    for (const tag of ['1.0.0', '1.5.37', '1.10.49']) {
      assert.equal((await headDigest(`${reg.url}/v2/big/manifests/${tag}`)).digest, big.tags[tag], tag);
    }
  });

  it('reuses the seeded storage for the next registry, with the same digests', async () => {
    const other = await startRegistry();
    try {
      // A fresh push would carry new created dates, hence other digests: equal digests mean the copy was used.
      const again = await seedStandard(other);
      assert.deepEqual(again, data);
      assert.equal((await headDigest(`${other.url}/v2/big/manifests/1.7.7`)).digest, data.repositories.big.tags['1.7.7']);
    } finally {
      await other.stop();
    }
  });

  it('restarts on the same port with the same data', async () => {
    await reg.restart();
    assert.equal((await headDigest(`${reg.url}/v2/app/manifests/dev`)).digest, data.repositories.app.tags.dev);
  });
});

describe('harness: registry lifecycle', function () {
  this.timeout(30_000);

  it('deletes by digest (every tag on it goes) and garbage-collects the manifest blob', async () => {
    const reg = await startRegistry();
    try {
      const img = await pushImage(reg, 'gc', ['a', 'b'], { created: new Date('2025-01-01T00:00:00Z') });
      const keep = await pushImage(reg, 'gc', ['keep'], { format: 'docker' });
      const del = await fetch(`${reg.url}/v2/gc/manifests/${img.digest}`, { method: 'DELETE' });
      assert.equal(del.status, 202);
      assert.equal((await headDigest(`${reg.url}/v2/gc/manifests/a`)).status, 404);
      assert.equal((await headDigest(`${reg.url}/v2/gc/manifests/b`)).status, 404);
      // The blob behind the deleted manifest is still stored until garbage collection.
      assert.equal((await fetch(`${reg.url}/v2/gc/blobs/${img.configDigest}`, { method: 'HEAD' })).status, 200);
      const dry = await reg.garbageCollect({ dryRun: true });
      assert.match(dry.output, /eligible for deletion/);
      assert.equal((await fetch(`${reg.url}/v2/gc/blobs/${img.configDigest}`, { method: 'HEAD' })).status, 200);
      await reg.garbageCollect();
      assert.equal((await fetch(`${reg.url}/v2/gc/blobs/${img.configDigest}`, { method: 'HEAD' })).status, 404);
      assert.equal((await headDigest(`${reg.url}/v2/gc/manifests/keep`)).digest, keep.digest);
    } finally {
      await reg.stop();
    }
  });

  it('answers 405 UNSUPPORTED to DELETE when delete is disabled', async () => {
    const reg = await startRegistry({ deleteEnabled: false });
    try {
      const img = await pushImage(reg, 'nodelete', ['1.0.0']);
      const res = await fetch(`${reg.url}/v2/nodelete/manifests/${img.digest}`, { method: 'DELETE' });
      assert.equal(res.status, 405);
      const body = (await res.json()) as { errors: { code: string }[] };
      assert.equal(body.errors[0].code, 'UNSUPPORTED');
      assert.equal((await headDigest(`${reg.url}/v2/nodelete/manifests/1.0.0`)).digest, img.digest);
    } finally {
      await reg.stop();
    }
  });

  it('kills the process and removes its folder on stop; a second stop is harmless', async () => {
    const reg = await startRegistry();
    await reg.stop();
    await reg.stop();
    assert.equal(existsSync(reg.dir), false);
    await assert.rejects(fetch(`${reg.url}/v2/`));
  });

  it('pushes many tags on one digest, and an index whose children resolve', async () => {
    const reg = await startRegistry();
    try {
      const same = await pushManyTags(reg, 'same', 30, { distinctDigests: false, prefix: 'v' });
      assert.equal(same.tags[0], 'v1.0.0');
      assert.equal(new Set(Object.values(same.digests)).size, 1);
      const idx = await pushIndex(reg, 'idx', ['1'], { format: 'docker', platforms: ['linux/amd64', 'linux/arm/v7'] });
      assert.equal((await headDigest(`${reg.url}/v2/idx/manifests/1`)).digest, idx.digest);
      assert.equal(idx.children[1].platform, 'linux/arm/v7');
      assert.equal((await headDigest(`${reg.url}/v2/idx/manifests/${idx.children[1].digest}`)).status, 200);
    } finally {
      await reg.stop();
    }
  });
});

describe('harness: basic auth registry', function () {
  this.timeout(30_000);
  let reg: TestRegistry;
  let data: StandardDataset;
  before(async () => {
    reg = await startRegistry({ auth: 'basic', users: [{ username: 'alice' }, { username: 'bob', password: 'bob-secret-pw' }] });
    data = await seedStandard(reg, { big: false });
  });
  after(async () => {
    await reg?.stop();
  });

  it('challenges with Basic and rejects no or wrong credentials', async () => {
    const none = await fetch(`${reg.url}/v2/`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic realm=/);
    const wrong = await fetch(`${reg.url}/v2/`, { headers: { Authorization: basic({ username: 'alice', password: 'not-the-password' }) } });
    assert.equal(wrong.status, 401);
  });

  it('serves seeded tags to each user with the right password', async () => {
    assert.equal(reg.users[1].password, 'bob-secret-pw');
    for (const user of reg.users) {
      const h = await headDigest(`${reg.url}/v2/app/manifests/latest`, { Authorization: basic(user) });
      assert.equal(h.digest, data.repositories.app.tags['2.0.0']);
    }
  });

  it('hands the engine a credential source for its own host only', async () => {
    const source = credentialSource(reg, 'bob');
    assert.deepEqual(await source(reg.host), { username: 'bob', password: 'bob-secret-pw' });
    assert.equal(await source('127.0.0.1:1'), undefined);
  });

  it('never shows passwords when a registry or user is inspected', () => {
    const shown = inspect(reg) + inspect(reg.users) + inspect(reg.admin);
    for (const u of [...reg.users, reg.admin!]) assert.ok(!shown.includes(u.password));
  });
});

describe('harness: token auth registry', function () {
  this.timeout(30_000);
  let reg: TestRegistry;
  let data: StandardDataset;
  const users = () => Object.fromEntries(reg.users.map((u) => [u.username, u]));

  before(async () => {
    reg = await startRegistry({
      auth: 'token',
      users: [
        { username: 'alice' },
        { username: 'reader', access: ACCESS_PULL_ONLY },
        { username: 'skopeo', access: ACCESS_STAR_NOT_DELETE },
        { username: 'robot', refreshToken: 'regx-test-identity-token-robot' },
      ],
    });
    data = await seedStandard(reg, { big: false });
  });
  after(async () => {
    await reg?.stop();
  });

  it('challenges with the token realm and accepts the issued ES256 token', async () => {
    const ch = (await fetch(`${reg.url}/v2/app/tags/list`)).headers.get('www-authenticate') ?? '';
    assert.ok(ch.startsWith(`Bearer realm="${reg.tokenServer!.realm}",service="${reg.tokenServer!.service}",scope="repository:app:pull"`), ch);
    const token = await getToken(reg, users().alice, ['repository:app:pull', 'repository:team/api:pull']);
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.equal(header.alg, 'ES256');
    assert.equal(header.kid, reg.tokenServer!.keyId);
    for (const repo of ['app', 'team/api']) {
      const tag = repo === 'app' ? 'latest' : 'stable';
      assert.equal((await headDigest(`${reg.url}/v2/${repo}/manifests/${tag}`, { Authorization: `Bearer ${token}` })).digest, data.repositories[repo].tags[tag]);
    }
    // The token names only what was asked: another repository is refused.
    assert.equal((await headDigest(`${reg.url}/v2/multi/manifests/latest`, { Authorization: `Bearer ${token}` })).status, 401);
  });

  it('records requests and scopes, never secrets', async () => {
    const ts = reg.tokenServer!;
    ts.reset();
    await getToken(reg, users().alice, ['repository:app:pull', 'registry:catalog:*']);
    assert.equal(ts.requests.length, 1);
    assert.deepEqual(ts.requests[0].scopes, ['repository:app:pull', 'registry:catalog:*']);
    assert.equal(ts.requests[0].username, 'alice');
    assert.equal(ts.issuedCount(), 1);
    assert.equal(((await (await fetch(`${ts.realm}?service=${ts.service}`, { headers: { Authorization: basic(users().alice) } })).json()) as { expires_in: number }).expires_in, 300);
    assert.equal(ts.issuedCount(), 2);
    const bad = await fetch(`${ts.realm}?service=${ts.service}&scope=repository:app:pull`, { headers: { Authorization: basic({ username: 'alice', password: 'wrong' }) } });
    assert.equal(bad.status, 401);
    assert.equal(ts.issuedCount(), 2);
    assert.ok(!JSON.stringify(ts.requests).includes(users().alice.password));
  });

  it('a pull-only user cannot delete (insufficient_scope)', async () => {
    const token = await getToken(reg, users().reader, ['repository:app:pull,delete']);
    const digest = data.repositories.app.tags['1.0.0'];
    const res = await fetch(`${reg.url}/v2/app/manifests/${digest}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /insufficient_scope/);
  });

  it('refuses the delete action but grants * (which the registry accepts for DELETE)', async () => {
    const digest = data.repositories.app.tags['1.1.0'];
    const url = `${reg.url}/v2/app/manifests/${digest}`;
    const refused = await getToken(reg, users().skopeo, ['repository:app:delete']);
    assert.equal((await fetch(url, { method: 'DELETE', headers: { Authorization: `Bearer ${refused}` } })).status, 401);
    const star = await getToken(reg, users().skopeo, ['repository:app:*']);
    assert.equal((await fetch(url, { method: 'DELETE', headers: { Authorization: `Bearer ${star}` } })).status, 202);
    assert.equal((await headDigest(`${reg.url}/v2/app/manifests/1.1.0`, { Authorization: `Bearer ${star}` })).status, 404);
  });

  it('full access deletes; anonymous tokens grant nothing', async () => {
    const anon = await getToken(reg, undefined, ['repository:app:pull']);
    assert.equal((await headDigest(`${reg.url}/v2/app/manifests/dev`, { Authorization: `Bearer ${anon}` })).status, 401);
    const token = await getToken(reg, users().alice, ['repository:app:pull,delete']);
    const res = await fetch(`${reg.url}/v2/app/manifests/${data.repositories.app.tags.dev}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 202);
  });

  it('OAuth2 POST: refresh_token and password grants, offline refresh tokens', async () => {
    const ts = reg.tokenServer!;
    const post = (form: Record<string, string>) =>
      fetch(ts.realm, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    const r1 = await post({ grant_type: 'refresh_token', refresh_token: 'regx-test-identity-token-robot', service: ts.service, scope: 'repository:multi:pull', client_id: 'regx' });
    assert.equal(r1.status, 200);
    const b1 = (await r1.json()) as { access_token: string; expires_in: number };
    assert.equal((await headDigest(`${reg.url}/v2/multi/manifests/latest`, { Authorization: `Bearer ${b1.access_token}` })).digest, data.repositories.multi.tags.latest);
    assert.equal((await post({ grant_type: 'refresh_token', refresh_token: 'nope', service: ts.service })).status, 400);
    const alice = users().alice;
    const r2 = await post({ grant_type: 'password', username: alice.username, password: alice.password, service: ts.service, scope: 'repository:app:pull', access_type: 'offline', client_id: 'regx' });
    assert.equal(r2.status, 200);
    const b2 = (await r2.json()) as { access_token: string; refresh_token: string };
    assert.ok(b2.refresh_token);
    const r3 = await post({ grant_type: 'refresh_token', refresh_token: b2.refresh_token, service: ts.service, scope: 'repository:app:pull' });
    assert.equal(r3.status, 200);
    assert.equal((await post({ grant_type: 'password', username: alice.username, password: 'wrong', service: ts.service })).status, 401);
    assert.deepEqual(ts.requests.slice(-5).map((r) => r.grantType), ['refresh_token', 'refresh_token', 'password', 'refresh_token', 'password']);
  });

  it('x5c tokens work too, and kid is the libtrust fingerprint', async () => {
    const other = await startRegistry({ auth: 'token', token: { keyHeader: 'x5c', expiresIn: null } });
    try {
      await pushImage(other, 'x', ['1']);
      const q = new URLSearchParams({ service: other.tokenServer!.service, scope: 'repository:x:pull' });
      const body = (await (await fetch(`${other.tokenServer!.realm}?${q}`, { headers: { Authorization: basic(other.users[0]) } })).json()) as Record<string, unknown>;
      assert.equal(body.expires_in, undefined);
      assert.equal((await headDigest(`${other.url}/v2/x/manifests/1`, { Authorization: `Bearer ${body.token as string}` })).status, 200);
    } finally {
      await other.stop();
    }
    // libtrust: 12 groups of 4 base32 characters.
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    assert.match(libtrustKeyId(createPublicKey(publicKey.export({ type: 'spki', format: 'pem' }))), /^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
  });
});

describe('harness: fault server', function () {
  this.timeout(20_000);
  const servers: FaultServer[] = [];
  const start = async (...args: Parameters<typeof startFaultServer>) => {
    const s = await startFaultServer(...args);
    servers.push(s);
    return s;
  };
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('pages tags/list with relative and absolute Link headers', async () => {
    const items = Array.from({ length: 7 }, (_, i) => `t${i}`);
    for (const link of ['relative', 'absolute'] as const) {
      const f = await start([...faultV2(), ...faultPagedList({ repo: 'app', items, pageSize: 3, link })]);
      const seen: string[] = [];
      let next: string | undefined = '/v2/app/tags/list';
      while (next !== undefined) {
        const res: Response = await fetch(new URL(next, f.url));
        seen.push(...((await res.json()) as { tags: string[] }).tags);
        const m = /<([^>]+)>/.exec(res.headers.get('link') ?? '');
        if (m && link === 'absolute') assert.ok(m[1].startsWith(f.url));
        next = m?.[1];
      }
      assert.deepEqual(seen, items);
    }
  });

  it('retries: 429 then success, reset then success; the log keeps no credential', async () => {
    const f = await start([
      ...faultRetryAfter({ path: '/v2/a/tags/list', times: 1, seconds: 2, form: 'date', then: { status: 200, body: { name: 'a', tags: ['x'] } } }),
      ...faultReset({ path: '/v2/b/tags/list', then: { status: 200, body: { name: 'b', tags: [] } } }),
    ]);
    const r1 = await fetch(`${f.url}/v2/a/tags/list`, { headers: { Authorization: 'Bearer secret-token-value' } });
    assert.equal(r1.status, 429);
    assert.ok(Date.parse(r1.headers.get('retry-after')!) > Date.now());
    assert.equal((await fetch(`${f.url}/v2/a/tags/list`)).status, 200);
    await assert.rejects(fetch(`${f.url}/v2/b/tags/list`));
    assert.equal((await fetch(`${f.url}/v2/b/tags/list`)).status, 200);
    assert.deepEqual(f.log[0].authorization, { present: true, scheme: 'Bearer' });
    assert.ok(!JSON.stringify(f.log).includes('secret-token-value'));
  });

  it('wrong and missing digests, tag stores, bearer on another port, redirects', async () => {
    const m = faultManifest({ repo: 'app', tag: '1', headDigest: 'absent', getDigest: 'wrong' });
    const store = faultTagStore({ repo: 'oci', tags: { a: 'one', b: 'one', c: 'two' }, deleteByTag: 'untag' });
    const other = await start([{ path: /.*/, respond: { status: 200, body: 'elsewhere' } }]);
    const realm = await start(faultTokenRealm({ token: 'fault-token' }));
    const f = await start([
      ...m.routes,
      ...store.routes,
      ...faultRedirect({ path: '/v2/r/blobs/sha256:x', to: `${other.url}/blob` }),
      ...faultBearer({ realm: `${realm.url}/token`, token: 'fault-token' }, faultV2()),
    ]);
    const head = await fetch(`${f.url}/v2/app/manifests/1`, { method: 'HEAD' });
    assert.equal(head.headers.get('docker-content-digest'), null);
    const get = await fetch(`${f.url}/v2/app/manifests/1`);
    const body = Buffer.from(await get.arrayBuffer());
    assert.equal(sha256Digest(body), m.digest);
    assert.notEqual(get.headers.get('docker-content-digest'), m.digest);

    assert.equal((await fetch(`${f.url}/v2/oci/manifests/a`, { method: 'DELETE' })).status, 202);
    assert.deepEqual(store.tags(), { b: store.digests.one, c: store.digests.two });
    assert.equal((await fetch(`${f.url}/v2/oci/manifests/${store.digests.two}`, { method: 'DELETE' })).status, 202);
    assert.equal((await fetch(`${f.url}/v2/oci/manifests/c`, { method: 'HEAD' })).status, 404);

    const ch = await fetch(`${f.url}/v2/`);
    assert.equal(ch.status, 401);
    assert.equal(ch.headers.get('www-authenticate'), `Bearer realm="${realm.url}/token",service="fault-registry"`);
    const tok = (await (await fetch(`${realm.url}/token`)).json()) as { token: string };
    assert.equal((await fetch(`${f.url}/v2/`, { headers: { Authorization: `Bearer ${tok.token}` } })).status, 200);

    const red = await fetch(`${f.url}/v2/r/blobs/sha256:x`, { headers: { Authorization: 'Bearer fault-token' } });
    assert.equal(await red.text(), 'elsewhere');
    assert.equal(other.log[0].authorization.present, false, 'fetch drops Authorization on a cross-origin redirect');
    assert.equal(FAULT_CHALLENGES.harbor, 'Basic realm="Harbor"');
  });
});

// Tests of the FAKE Azure Container Registry itself (test/support/fake-acr.ts), over raw HTTP (fetch), not through the
// engine: that it answers as ACR's published data-plane description says (Azure/azure-rest-api-specs,
// containerregistry/data-plane/Azure.ContainerRegistry/stable/2021-07-01/containerregistry.json, "spec"), and that
// what it says is the real registry's state behind it. Each test names the spec element it checks.
import * as assert from 'node:assert/strict';
import { startFakeAcr, ACR_REFRESH_USER, type FakeAcr } from '../support/fake-acr';
import { startRegistry, type TestRegistry } from '../support/registry';
import { storedRepositories, storedRepository } from '../support/registry-storage';
import { FULL_ACCEPT, parseChallenge, pushImage, pushIndex, pushManifest, seedRequest, type PushedImage, type PushedIndex } from '../support/seed';

const ADMIN = { username: 'acr-admin', password: 'admin-pw-fake-acr-1' };
const READER = { username: 'acr-reader', password: 'reader-pw-fake-acr-2', readOnly: true };
const REFRESH = 'refresh-token-fake-acr-3';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const basic = (u: { username: string; password: string }): string => `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}`;

type Json = Record<string, unknown> & { errors?: { code: string; message: string; detail?: unknown }[] };

describe('fake ACR (ACR data-plane spec 2021-07-01 over a real docker-registry)', function () {
  this.timeout(60_000);
  let reg: TestRegistry;
  let acr: FakeAcr;
  let a: PushedImage; // app:v1
  let b: PushedImage; // app:v2, app:latest
  let c: PushedImage; // app, untagged
  let idx: PushedIndex; // team/app:1.0

  /** GET /oauth2/token as `user` (Basic) for these scopes: the access token. */
  async function token(scopes: string[], user: { username: string; password: string } = ADMIN): Promise<string> {
    const q = new URLSearchParams({ service: acr.host });
    for (const s of scopes) q.append('scope', s);
    const res = await fetch(`${acr.url}/oauth2/token?${q}`, { headers: { Authorization: basic(user) } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { access_token: string }).access_token;
  }
  async function call(path: string, tok?: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: Json }> {
    const headers = { ...(tok ? { Authorization: `Bearer ${tok}` } : {}), ...(init.headers as Record<string, string>) };
    const res = await fetch(`${acr.url}${path}`, { ...init, headers });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : {} };
  }
  const next = (h: Headers): string | undefined => /^<([^>]+)>;\s*rel="next"$/.exec(h.get('link') ?? '')?.[1];
  /** Follows Link rel=next from `path`; every page's items under `key`, and the links seen. */
  async function allPages(path: string, key: string, tok: string): Promise<{ items: Json[]; links: string[] }> {
    const items: Json[] = [];
    const links: string[] = [];
    for (let p: string | undefined = path; p !== undefined; ) {
      const r = await call(p, tok);
      assert.equal(r.status, 200, p);
      items.push(...(r.body[key] as Json[]));
      p = next(r.headers);
      if (p) links.push(p);
    }
    return { items, links };
  }
  const claims = (tok: string): { access: { type: string; name: string; actions: string[] }[] } => JSON.parse(Buffer.from(tok.split('.')[1], 'base64url').toString());
  const errorCode = (body: Json): string | undefined => body.errors?.[0]?.code;

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    a = await pushImage(reg, 'app', ['v1'], { salt: 'a' });
    await sleep(25);
    b = await pushImage(reg, 'app', ['v2'], { salt: 'b' });
    await sleep(25);
    await pushManifest(reg, 'app', 'latest', b.mediaType, storedRepository(reg.dataDir, 'app').manifests.find((m) => m.digest === b.digest)!.bytes);
    c = await pushImage(reg, 'app', [], { salt: 'c', arch: 'arm64' });
    idx = await pushIndex(reg, 'team/app', ['1.0'], { platforms: ['linux/amd64', 'linux/arm64'] });
    await pushImage(reg, 'lock', ['keep', 'other'], { salt: 'lock' });
    await pushImage(reg, 'untag', ['a', 'b'], { salt: 'untag' });
    const many = await pushImage(reg, 'many', [], { salt: 'many' });
    const bytes = storedRepository(reg.dataDir, 'many').manifests[0].bytes;
    for (let i = 0; i < 105; i += 15) await Promise.all(Array.from({ length: 15 }, (_, k) => pushManifest(reg, 'many', `t${i + k}`, many.mediaType, bytes)));
    acr = await startFakeAcr({ registry: reg, users: [ADMIN, READER], refreshTokens: [REFRESH] });
  });
  after(async () => {
    await acr?.stop();
    await reg?.stop();
  });

  it('GET /oauth2/token with Basic → spec#AccessToken {access_token}; several `scope` params are each granted', async () => {
    const tok = await token(['repository:app:pull', 'repository:team/app:metadata_read']);
    assert.deepEqual(claims(tok).access, [
      { type: 'repository', name: 'app', actions: ['pull'] },
      { type: 'repository', name: 'team/app', actions: ['metadata_read'] },
    ]);
    assert.equal((await call('/v2/app/tags/list', tok)).status, 200);
    assert.equal((await call('/acr/v1/team/app/_tags', tok)).status, 200);
  });

  it('POST /oauth2/token grant_type=refresh_token (spec ExchangeAcrRefreshTokenForAcrAccessToken), scopes space-separated; Basic as the 0000… user', async () => {
    const form = new URLSearchParams({ grant_type: 'refresh_token', service: acr.host, scope: 'registry:catalog:* repository:app:pull,delete', refresh_token: REFRESH });
    const res = await fetch(`${acr.url}/oauth2/token`, { method: 'POST', body: form });
    assert.equal(res.status, 200);
    const tok = ((await res.json()) as { access_token: string }).access_token;
    assert.deepEqual(claims(tok).access.map((x) => `${x.type}:${x.name}:${x.actions}`), ['registry:catalog:*', 'repository:app:pull,delete']);
    assert.equal((await call('/acr/v1/_catalog', tok)).status, 200);
    const viaBasic = await token(['repository:app:pull'], { username: ACR_REFRESH_USER, password: REFRESH });
    assert.equal((await call('/v2/app/tags/list', viaBasic)).status, 200);
  });

  it('a wrong login, unknown refresh token or wrong service → 401 in the spec#AcrErrors shape', async () => {
    const q = `service=${acr.host}&scope=repository:app:pull`;
    const bad = await fetch(`${acr.url}/oauth2/token?${q}`, { headers: { Authorization: basic({ username: ADMIN.username, password: 'wrong' }) } });
    assert.equal(bad.status, 401);
    assert.equal(errorCode((await bad.json()) as Json), 'UNAUTHORIZED');
    const form = new URLSearchParams({ grant_type: 'refresh_token', service: acr.host, scope: 'repository:app:pull', refresh_token: 'nope' });
    assert.equal((await fetch(`${acr.url}/oauth2/token`, { method: 'POST', body: form })).status, 401);
    assert.equal((await fetch(`${acr.url}/oauth2/token?service=elsewhere&scope=x`, { headers: { Authorization: basic(ADMIN) } })).status, 401);
    assert.equal((await fetch(`${acr.url}/oauth2/token?${q}`)).status, 401, 'anonymous pull is off by default');
  });

  it('401 challenges (Bearer realm, service) name the scope each route needs; /v2/ asks none', async () => {
    const scopeOf = async (path: string, method = 'GET'): Promise<Record<string, string>> => {
      const r = await call(path, undefined, { method });
      assert.equal(r.status, 401, path);
      assert.equal(errorCode(r.body), 'UNAUTHORIZED');
      const ch = parseChallenge(r.headers.get('www-authenticate') ?? '');
      assert.equal(ch.scheme, 'bearer');
      assert.equal(ch.params.realm, `${acr.url}/oauth2/token`);
      assert.equal(ch.params.service, acr.host);
      return ch.params;
    };
    assert.equal((await scopeOf('/v2/')).scope, undefined);
    assert.equal((await scopeOf('/v2/app/manifests/v1')).scope, 'repository:app:pull');
    assert.equal((await scopeOf(`/v2/app/manifests/${a.digest}`, 'DELETE')).scope, 'repository:app:delete');
    assert.equal((await scopeOf('/v2/_catalog')).scope, 'registry:catalog:*');
    assert.equal((await scopeOf('/acr/v1/_catalog')).scope, 'registry:catalog:*');
    assert.equal((await scopeOf('/acr/v1/team/app/_tags')).scope, 'repository:team/app:metadata_read');
    assert.equal((await scopeOf('/acr/v1/app/_manifests/x', 'PATCH')).scope, 'repository:app:metadata_write');
    assert.equal((await scopeOf('/acr/v1/app/_tags/v1', 'DELETE')).scope, 'repository:app:delete');
  });

  it('insufficient_scope: a token without the action, and a read-only user (pull and metadata_read only)', async () => {
    const pullOnly = await token(['repository:app:pull']);
    const r = await call('/acr/v1/app/_tags', pullOnly);
    assert.equal(r.status, 401);
    const ch = parseChallenge(r.headers.get('www-authenticate') ?? '').params;
    assert.deepEqual([ch.error, ch.scope], ['insufficient_scope', 'repository:app:metadata_read']);
    const reader = await token(['repository:app:pull,delete,metadata_read,metadata_write'], READER);
    assert.deepEqual(claims(reader).access[0].actions, ['pull', 'metadata_read']);
    assert.equal((await call('/acr/v1/app/_tags', reader)).status, 200);
    const del = await call(`/v2/app/manifests/${a.digest}`, reader, { method: 'DELETE' });
    assert.equal(parseChallenge(del.headers.get('www-authenticate') ?? '').params.error, 'insufficient_scope');
    assert.equal((await call('/v2/app/tags/list', 'not-a-token')).status, 401);
  });

  it('anonymousPull: GET /oauth2/token without credentials grants pull only', async () => {
    const open = await startFakeAcr({ registry: reg, anonymousPull: true });
    try {
      const res = await fetch(`${open.url}/oauth2/token?service=${open.host}&scope=repository:app:pull,metadata_read,delete`);
      const tok = ((await res.json()) as { access_token: string }).access_token;
      assert.deepEqual(claims(tok).access[0].actions, ['pull']);
      assert.equal((await fetch(`${open.url}/v2/app/tags/list`, { headers: { Authorization: `Bearer ${tok}` } })).status, 200);
      assert.equal((await fetch(`${open.url}/acr/v1/app/_tags`, { headers: { Authorization: `Bearer ${tok}` } })).status, 401);
      assert.equal(open.users.length, 1, 'one generated user by default');
    } finally {
      await open.stop();
    }
  });

  it('GET /acr/v1/_catalog pages by n/last with Link rel=next (spec GetRepositories, spec#Repositories, x-ms-pageable)', async () => {
    const tok = await token(['registry:catalog:*']);
    const first = await call('/acr/v1/_catalog?n=2', tok);
    assert.deepEqual(first.body, { repositories: ['app', 'lock'] });
    assert.equal(first.headers.get('link'), '</acr/v1/_catalog?last=lock&n=2>; rel="next"');
    const all = await allPages('/acr/v1/_catalog?n=2', 'repositories', tok);
    assert.deepEqual(all.items, ['app', 'lock', 'many', 'team/app', 'untag']);
    assert.deepEqual(all.items, storedRepositories(reg.dataDir));
    assert.equal(all.links.length, 2, 'no Link on the last page');
  });

  it('_tags: spec#TagList {registry, imageName, tags} of spec#TagAttributesBase, digests and times from the registry', async () => {
    const tok = await token(['repository:app:metadata_read']);
    const r = await call('/acr/v1/app/_tags', tok);
    assert.deepEqual(Object.keys(r.body).sort(), ['imageName', 'registry', 'tags']);
    assert.deepEqual([r.body.registry, r.body.imageName], [acr.host, 'app']);
    const tags = r.body.tags as Json[];
    assert.deepEqual(tags.map((t) => [t.name, t.digest]), [['latest', b.digest], ['v1', a.digest], ['v2', b.digest]], 'by name without orderby');
    const stored = storedRepository(reg.dataDir, 'app').tags;
    for (const t of tags) {
      assert.deepEqual(Object.keys(t).sort(), ['changeableAttributes', 'createdTime', 'digest', 'lastUpdateTime', 'name', 'signed']);
      assert.equal(t.lastUpdateTime, stored.find((s) => s.tag === t.name)!.pushedAt.toISOString());
      assert.ok(Date.parse(t.createdTime as string) <= Date.parse(t.lastUpdateTime as string));
      assert.equal(t.signed, false);
      assert.deepEqual(t.changeableAttributes, { deleteEnabled: true, writeEnabled: true, readEnabled: true, listEnabled: true });
    }
  });

  it('_tags paging: n/last with Link, orderby timedesc/timeasc (spec#TagOrderBy), digest filter (spec QueryDigest), n capped at 100', async () => {
    const tok = await token(['repository:app:metadata_read']);
    const names = async (q: string): Promise<string[]> => (await allPages(`/acr/v1/app/_tags?${q}`, 'tags', tok)).items.map((t) => t.name as string);
    assert.deepEqual(await names('n=1'), ['latest', 'v1', 'v2']);
    assert.deepEqual(await names('n=1&orderby=timedesc'), ['latest', 'v2', 'v1']);
    assert.deepEqual(await names('n=2&orderby=timeasc'), ['v1', 'v2', 'latest']);
    assert.deepEqual(await names(`digest=${b.digest}`), ['latest', 'v2']);
    const first = await call('/acr/v1/app/_tags?n=1&orderby=timedesc', tok);
    assert.equal(next(first.headers), '/acr/v1/app/_tags?last=latest&n=1&orderby=timedesc');
    const big = await token(['repository:many:metadata_read']);
    const capped = await call('/acr/v1/many/_tags?n=1000', big);
    assert.equal((capped.body.tags as Json[]).length, 100, 'FAKE-CHOICE: n is capped at 100');
    assert.equal(next(capped.headers), '/acr/v1/many/_tags?last=t94&n=100');
    assert.equal((await allPages('/acr/v1/many/_tags', 'tags', big)).items.length, 105, 'default page 100, then Link');
    assert.equal((await call('/acr/v1/app/_tags?n=0', tok)).status, 400);
  });

  it('_manifests: every stored manifest (spec#AcrManifests); untagged without tags; index children with architecture/os; no references', async () => {
    const tok = await token(['repository:app:metadata_read', 'repository:team/app:metadata_read']);
    const app = (await allPages('/acr/v1/app/_manifests?n=2', 'manifests', tok)).items;
    assert.deepEqual(app.map((m) => m.digest).sort(), storedRepository(reg.dataDir, 'app').manifests.map((m) => m.digest).sort());
    const byDigest = new Map(app.map((m) => [m.digest, m]));
    assert.deepEqual(byDigest.get(b.digest)!.tags, ['latest', 'v2']);
    const untagged = byDigest.get(c.digest)!;
    assert.equal('tags' in untagged, false);
    assert.deepEqual([untagged.architecture, untagged.os, untagged.mediaType], ['arm64', 'linux', c.mediaType]);
    const manifest = (await (await fetch(`${reg.url}/v2/app/manifests/${a.digest}`, { headers: { Accept: FULL_ACCEPT } })).json()) as { config: { size: number }; layers: { size: number }[] };
    assert.equal(byDigest.get(a.digest)!.imageSize, manifest.config.size + manifest.layers.reduce((s, l) => s + l.size, 0));
    const team = (await call('/acr/v1/team/app/_manifests', tok)).body.manifests as Json[];
    assert.equal(team.length, 3);
    assert.ok(team.every((m) => !('references' in m)));
    const index = team.find((m) => m.digest === idx.digest)!;
    assert.deepEqual([index.tags, index.mediaType, index.imageSize], [['1.0'], idx.mediaType, idx.size]);
    const children = team.filter((m) => m.digest !== idx.digest).map((m) => [m.digest, m.architecture, m.os, 'tags' in m]);
    assert.deepEqual(children.sort(), idx.children.map((k) => [k.digest, k.platform.split('/')[1], 'linux', false]).sort());
    const asc = (await allPages('/acr/v1/app/_manifests?n=1&orderby=timeasc', 'manifests', tok)).items.map((m) => m.digest);
    assert.deepEqual(asc, [a.digest, b.digest, c.digest]);
  });

  it('_manifests/{digest}: spec#ManifestAttributes; an index carries references [{digest, architecture, os}]; a leaf none', async () => {
    const tok = await token(['repository:team/app:metadata_read']);
    const r = await call(`/acr/v1/team/app/_manifests/${idx.digest}`, tok);
    assert.deepEqual([r.body.registry, r.body.imageName], [acr.host, 'team/app']);
    const refs = (r.body.manifest as Json).references as Json[];
    assert.deepEqual(refs, idx.children.map((k) => ({ digest: k.digest, architecture: k.platform.split('/')[1], os: 'linux' })));
    const leaf = (await call(`/acr/v1/team/app/_manifests/${idx.children[0].digest}`, tok)).body.manifest as Json;
    assert.equal('references' in leaf, false);
    assert.deepEqual([leaf.architecture, leaf.os], ['amd64', 'linux']);
  });

  it('tag GET/PATCH (spec GetTagProperties, UpdateTagAttributes → spec#TagAttributes), setAttributes, repository attributes', async () => {
    const tok = await token(['repository:app:metadata_read,metadata_write']);
    const got = await call('/acr/v1/app/_tags/v1', tok);
    assert.deepEqual([got.body.registry, got.body.imageName, (got.body.tag as Json).digest], [acr.host, 'app', a.digest]);
    const patched = await call('/acr/v1/app/_tags/v1', tok, { method: 'PATCH', body: JSON.stringify({ writeEnabled: false }), headers: { 'Content-Type': 'application/json' } });
    assert.deepEqual((patched.body.tag as Json).changeableAttributes, { deleteEnabled: true, writeEnabled: false, readEnabled: true, listEnabled: true });
    acr.setAttributes('app', 'v1', { writeEnabled: true, listEnabled: false });
    assert.equal(((await call('/acr/v1/app/_tags/v1', tok)).body.tag as { changeableAttributes: Json }).changeableAttributes.listEnabled, false);
    acr.setAttributes('app', 'v1', { listEnabled: true });
    const repo = (await call('/acr/v1/app', tok)).body;
    assert.deepEqual([repo.imageName, repo.manifestCount, repo.tagCount], ['app', 3, 3]);
    assert.equal((await call('/acr/v1/app/_tags/v1', tok, { method: 'PATCH', body: '{"deleteEnabled":"no"}' })).status, 400);
  });

  it('DELETE _tags/{reference} → 202 removes the tag only, in the real registry too (spec DeleteTag)', async () => {
    const tok = await token(['repository:untag:pull,delete,metadata_read']);
    const digest = storedRepository(reg.dataDir, 'untag').tags[0].digest;
    assert.equal((await call('/acr/v1/untag/_tags/a', tok, { method: 'DELETE' })).status, 202);
    const viaFake = await call('/v2/untag/manifests/a', tok, { headers: { Accept: FULL_ACCEPT } });
    assert.deepEqual([viaFake.status, errorCode(viaFake.body)], [404, 'MANIFEST_UNKNOWN']);
    assert.equal((await fetch(`${reg.url}/v2/untag/manifests/a`, { method: 'HEAD', headers: { Accept: FULL_ACCEPT } })).status, 404, 'gone from the registry');
    const byDigest = await fetch(`${acr.url}/v2/untag/manifests/${digest}`, { method: 'HEAD', headers: { Accept: FULL_ACCEPT, Authorization: `Bearer ${tok}` } });
    assert.equal(byDigest.status, 200, 'the manifest stays');
    assert.deepEqual(storedRepository(reg.dataDir, 'untag').tags.map((t) => t.tag), ['b']);
    assert.deepEqual(((await call('/acr/v1/untag/_tags', tok)).body.tags as Json[]).map((t) => t.name), ['b']);
    assert.equal((await call('/acr/v1/untag/_tags/b', tok, { method: 'DELETE' })).status, 202);
    const left = (await call('/acr/v1/untag/_manifests', tok)).body.manifests as Json[];
    assert.deepEqual(left.map((m) => [m.digest, 'tags' in m]), [[digest, false]], 'untagged, still listed');
    const again = await call('/acr/v1/untag/_tags/a', tok, { method: 'DELETE' });
    assert.deepEqual([again.status, errorCode(again.body)], [404, 'TAG_UNKNOWN']);
  });

  it('a locked image: V2 DELETE and untag → 405 REGISTRY_DISALLOWED_OPERATION, nothing deleted; unlocked → 202', async () => {
    const tok = await token(['repository:lock:pull,delete,metadata_read,metadata_write']);
    const digest = storedRepository(reg.dataDir, 'lock').manifests[0].digest;
    const inRegistry = async (): Promise<number> => (await fetch(`${reg.url}/v2/lock/manifests/${digest}`, { method: 'HEAD', headers: { Accept: FULL_ACCEPT } })).status;
    const del = (): ReturnType<typeof call> => call(`/v2/lock/manifests/${digest}`, tok, { method: 'DELETE' });
    acr.setAttributes('lock', 'keep', { deleteEnabled: false });
    const refused = await del();
    assert.equal(refused.status, 405);
    assert.deepEqual(refused.body.errors?.map((e) => [e.code, typeof e.message]), [['REGISTRY_DISALLOWED_OPERATION', 'string']]);
    assert.equal(await inRegistry(), 200);
    assert.equal(errorCode((await call('/acr/v1/lock/_tags/keep', tok, { method: 'DELETE' })).body), 'REGISTRY_DISALLOWED_OPERATION');
    assert.deepEqual(storedRepository(reg.dataDir, 'lock').tags.map((t) => t.tag), ['keep', 'other']);
    const patch = (path: string, body: object): ReturnType<typeof call> => call(path, tok, { method: 'PATCH', body: JSON.stringify(body) });
    assert.equal((await patch('/acr/v1/lock/_tags/keep', { deleteEnabled: true })).status, 200);
    assert.equal((await patch(`/acr/v1/lock/_manifests/${digest}`, { writeEnabled: false })).status, 200);
    assert.equal((await del()).status, 405, 'locked by digest');
    await patch(`/acr/v1/lock/_manifests/${digest}`, { writeEnabled: true });
    await patch('/acr/v1/lock', { deleteEnabled: false });
    assert.equal((await del()).status, 405, 'locked repository');
    await patch('/acr/v1/lock', { deleteEnabled: true });
    assert.equal((await del()).status, 202);
    assert.equal(await inRegistry(), 404);
  });

  it("V2 is forwarded: digests, tags/list, _catalog and blobs are the registry's; pushes through it land there; a write-locked tag refuses PUT", async () => {
    const tok = await token(['repository:team/app:pull', 'registry:catalog:*']);
    const head = await fetch(`${acr.url}/v2/team/app/manifests/1.0`, { method: 'HEAD', headers: { Accept: FULL_ACCEPT, Authorization: `Bearer ${tok}` } });
    const direct = await fetch(`${reg.url}/v2/team/app/manifests/1.0`, { method: 'HEAD', headers: { Accept: FULL_ACCEPT } });
    assert.equal(head.headers.get('docker-content-digest'), idx.digest);
    assert.equal(head.headers.get('docker-content-digest'), direct.headers.get('docker-content-digest'));
    assert.deepEqual((await call('/v2/team/app/tags/list', tok)).body, await (await fetch(`${reg.url}/v2/team/app/tags/list`)).json());
    assert.deepEqual((await call('/v2/_catalog', tok)).body, await (await fetch(`${reg.url}/v2/_catalog`)).json());
    const blob = await fetch(`${acr.url}/v2/team/app/blobs/${idx.children[0].configDigest}`, { headers: { Authorization: `Bearer ${tok}` } });
    assert.equal(blob.headers.get('docker-content-digest'), idx.children[0].configDigest);
    const target = { url: acr.url, admin: ADMIN };
    const pushed = await pushImage(target, 'pushed', ['x'], { salt: 'through the fake' });
    assert.deepEqual(storedRepository(reg.dataDir, 'pushed').tags.map((t) => [t.tag, t.digest]), [['x', pushed.digest]]);
    assert.ok(acr.requests({ method: 'PUT', path: '/v2/pushed/blobs/uploads/' }).length > 0, 'upload Location pointed back at the fake');
    acr.setAttributes('pushed', 'x', { writeEnabled: false });
    const bytes = storedRepository(reg.dataDir, 'pushed').manifests[0].bytes;
    const put = await seedRequest(target, 'PUT', '/v2/pushed/manifests/x', { repo: 'pushed', body: bytes, headers: { 'Content-Type': pushed.mediaType } });
    assert.deepEqual([put.status, errorCode(JSON.parse(put.body.toString()) as Json)], [405, 'REGISTRY_DISALLOWED_OPERATION']);
  });

  it('errors: 404 NAME_UNKNOWN / TAG_UNKNOWN / MANIFEST_UNKNOWN (spec#AcrErrors); DELETE _manifests/{digest} is not in the spec → 405', async () => {
    const tok = await token(['repository:app:metadata_read,delete', 'repository:ghost:metadata_read']);
    const codes = async (path: string, method = 'GET'): Promise<[number, string | undefined]> => {
      const r = await call(path, tok, { method });
      return [r.status, errorCode(r.body)];
    };
    assert.deepEqual(await codes('/acr/v1/ghost/_tags'), [404, 'NAME_UNKNOWN']);
    assert.deepEqual(await codes('/acr/v1/app/_tags/nope'), [404, 'TAG_UNKNOWN']);
    assert.deepEqual(await codes(`/acr/v1/app/_manifests/sha256:${'0'.repeat(64)}`), [404, 'MANIFEST_UNKNOWN']);
    assert.deepEqual(await codes(`/acr/v1/app/_manifests/${a.digest}`, 'DELETE'), [405, 'UNSUPPORTED']);
    assert.equal((await fetch(`${reg.url}/v2/app/manifests/${a.digest}`, { method: 'HEAD', headers: { Accept: FULL_ACCEPT } })).status, 200);
  });

  it('repository names with / work raw and %2F-encoded (spec ImageName, encoded by generated clients)', async () => {
    const tok = await token(['repository:team/app:metadata_read']);
    const raw = await call('/acr/v1/team/app/_tags', tok);
    const encoded = await call('/acr/v1/team%2Fapp/_tags', tok);
    assert.equal(encoded.status, 200);
    assert.deepEqual(encoded.body, raw.body);
    assert.equal((await call(`/acr/v1/team%2Fapp/_manifests/${idx.digest}`, tok)).status, 200);
  });

  it('orderby paging survives a delete between pages; Basic on the API (spec `security`); repository:*:* as acr-cli asks', async () => {
    const wild = await token(['repository:*:*']);
    assert.deepEqual(claims(wild).access, [{ type: 'repository', name: '*', actions: ['*'] }]);
    const before = (await allPages('/acr/v1/many/_tags?orderby=timeasc', 'tags', wild)).items.map((t) => t.name);
    const first = await call('/acr/v1/many/_tags?n=2&orderby=timeasc', wild);
    const link = next(first.headers)!;
    const cursor = new URLSearchParams(link.split('?')[1]).get('last')!;
    assert.equal((await call(`/acr/v1/many/_tags/${cursor}`, wild, { method: 'DELETE' })).status, 202);
    const rest = (await allPages(link, 'tags', wild)).items.map((t) => t.name);
    assert.deepEqual(rest, before.slice(2));
    const viaBasic = await fetch(`${acr.url}/acr/v1/many/_tags?n=1`, { headers: { Authorization: basic(READER) } });
    assert.equal(viaBasic.status, 200);
    const denied = await fetch(`${acr.url}/acr/v1/many/_tags/${before[0]}`, { method: 'DELETE', headers: { Authorization: basic(READER) } });
    assert.equal(parseChallenge(denied.headers.get('www-authenticate') ?? '').params.error, 'insufficient_scope');
  });

  it('the log keeps method, path, auth scheme and status, never a password, token or refresh token', async () => {
    const tok = await token(['repository:app:pull']);
    await call('/v2/app/tags/list', tok);
    await fetch(`${acr.url}/oauth2/token?refresh_token=${REFRESH}&service=${acr.host}`);
    const text = JSON.stringify(acr.log);
    for (const secret of [ADMIN.password, READER.password, REFRESH, tok]) assert.equal(text.includes(secret), false);
    const last = acr.requests({ path: '/v2/app/tags/list' }).at(-1)!;
    assert.deepEqual([last.method, last.authorization, last.status], ['GET', 'Bearer', 200]);
    assert.ok(acr.requests({ method: 'GET', path: /^\/oauth2\/token$/ }).some((r) => r.authorization === 'Basic' && r.status === 200));
  });
});

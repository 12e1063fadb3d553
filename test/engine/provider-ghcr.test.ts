// The GHCR provider (src/registry/providers/ghcr.ts) against the FAKE GitHub packages API (test/support/fake-ghcr.ts)
// over a REAL docker-registry whose storage is the packages' state: the packages of the login and of its organisations
// in pages, versions as tags and manifests (untagged ones included), deleting a version by its id (the manifest and
// every tag on it really go), an untagged cleanup that keeps a tagged multi-arch image's platforms and a tagged
// image's signature, 401/403/429 in plain words, a hostile next link, and no token in any error or log line.
import * as assert from 'node:assert/strict';
import { executePrune, previewPrune } from '../../src/ops';
import { createRegistryClient } from '../../src/registry/client';
import { describeError, isRegistryError, type RegistryError } from '../../src/registry/errors';
import type { Provider } from '../../src/registry/providers';
import type { RegistryClient } from '../../src/registry/types';
import { head } from '../support/cli';
import { fakeClassicToken, startFakeGhcr, type FakeGhcr } from '../support/fake-ghcr';
import { startRegistry, type TestRegistry } from '../support/registry';
import { storedRepository } from '../support/registry-storage';
import { OCI_INDEX, pushImage, pushIndex, pushManifest, pushManyTags, pushReferrer, type PushedImage, type PushedIndex } from '../support/seed';

const OCTO = { login: 'octo', token: fakeClassicToken(), orgs: ['acme'] };
const READER = { login: 'reader', token: fakeClassicToken(), scopes: ['read:packages'], orgs: ['acme'] };
const NOSCOPE = { login: 'noscope', token: fakeClassicToken(), scopes: ['repo'] };
const TOKENS = [OCTO.token, READER.token, NOSCOPE.token];
const ORG_PACKAGES = 101;

/** An empty OCI index: a package needs one stored manifest, and this one needs no blobs. */
async function pushEmptyPackage(reg: TestRegistry, repo: string): Promise<void> {
  await pushManifest(reg, repo, 'latest', OCI_INDEX, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] })));
}

async function rejection(p: Promise<unknown>): Promise<RegistryError> {
  try {
    await p;
  } catch (e) {
    if (isRegistryError(e)) return e;
    throw e;
  }
  assert.fail('expected a RegistryError');
}

describe('GHCR provider (fake GitHub packages API over a real registry)', function () {
  this.timeout(60_000);
  let reg: TestRegistry;
  let gh: FakeGhcr;
  let v1: PushedImage;
  let v2: PushedImage;
  let orphan: PushedImage;
  let multi: PushedIndex;
  let signature: string;
  const clients: RegistryClient[] = [];
  const logLines: string[] = [];
  const errors: RegistryError[] = [];
  const client = (user: { login: string; token: string } = OCTO): RegistryClient => {
    const line = (m: string): void => void logLines.push(m);
    const c = createRegistryClient({
      url: reg.url,
      provider: 'ghcr',
      apiUrl: gh.url,
      credentials: async () => ({ username: user.login, password: user.token }),
      logger: { trace: line, debug: line, warn: line },
    });
    clients.push(c);
    return c;
  };
  const provider = (user?: { login: string; token: string }): Promise<Provider> => client(user).provider();
  const failing = async (p: Promise<unknown>): Promise<RegistryError> => {
    const e = await rejection(p);
    errors.push(e);
    return e;
  };

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    v1 = await pushImage(reg, 'octo/app', ['v1'], { salt: 'ghcr-v1' });
    v2 = await pushImage(reg, 'octo/app', ['v2', 'latest'], { salt: 'ghcr-v2' });
    orphan = await pushImage(reg, 'octo/app', [], { salt: 'ghcr-orphan' });
    multi = await pushIndex(reg, 'octo/app', ['multi-1'], { salt: 'ghcr-multi' });
    signature = await pushReferrer(reg, 'octo/app', { digest: v2.digest, mediaType: v2.mediaType, size: v2.size });
    await pushManyTags(reg, 'octo/big', 105, { distinctDigests: true });
    await pushImage(reg, 'acme/tools/cli', ['1.0'], { salt: 'ghcr-cli' });
    for (let i = 0; i < ORG_PACKAGES; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, ORG_PACKAGES - i) }, (_, k) => pushEmptyPackage(reg, `acme/pkg-${String(i + k).padStart(3, '0')}`)));
    }
    await pushImage(reg, 'stranger/thing', ['1'], { salt: 'ghcr-stranger' }); // no such GitHub owner: not a package
    gh = await startFakeGhcr({ registry: reg, users: [OCTO, READER, NOSCOPE], orgs: ['acme'] });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await gh?.stop();
    await reg?.stop();
  });

  it('is the ghcr provider, with GitHub’s headers and the token as Bearer only to the API', async () => {
    const p = await provider();
    assert.equal(p.name, 'ghcr');
    assert.match(p.noUntag ?? '', /GHCR has no way to remove one tag/);
    await p.listTagDetails!('octo/app');
    const calls = gh.requests({ path: '/user/packages/container/app/versions' });
    assert.ok(calls.length >= 1);
    for (const r of calls) {
      assert.equal(r.authorization, 'Bearer');
      assert.equal(r.accept, 'application/vnd.github+json');
      assert.equal(r.apiVersion, '2022-11-28');
    }
  });

  it('lists the packages of the login and of its organisations, every page (101 in acme)', async () => {
    gh.log.length = 0;
    const repos = await (await provider()).listRepositories!();
    assert.ok(repos.includes('octo/app') && repos.includes('octo/big') && repos.includes('acme/tools/cli'), repos.slice(0, 5).join(' '));
    assert.equal(repos.filter((r) => r.startsWith('acme/pkg-')).length, ORG_PACKAGES);
    assert.ok(!repos.some((r) => r.startsWith('stranger/')));
    assert.equal(repos.length, 2 + 1 + ORG_PACKAGES);
    assert.equal(gh.requests({ method: 'GET', path: '/orgs/acme/packages' }).filter((r) => r.status === 200).length, 2, 'two pages of at most 100');
  });

  it('lists every version: tags with their digests, and the untagged manifests (platforms, signature, orphan)', async () => {
    const { tags, manifests } = await (await provider()).listTagsAndManifests!('octo/app');
    assert.deepEqual(Object.fromEntries(tags.map((t) => [t.tag, t.digest]).sort()), { latest: v2.digest, 'multi-1': multi.digest, v1: v1.digest, v2: v2.digest });
    for (const t of tags) assert.ok(t.pushed instanceof Date && !Number.isNaN(t.pushed.getTime()), t.tag);
    const stored = storedRepository(reg.dataDir, 'octo/app').manifests.map((m) => m.digest).sort();
    assert.deepEqual(manifests.map((m) => m.digest).sort(), stored);
    const untagged = manifests.filter((m) => m.tags.length === 0).map((m) => m.digest).sort();
    assert.deepEqual(untagged, [orphan.digest, signature, ...multi.children.map((c) => c.digest)].sort());
    assert.deepEqual(manifests.find((m) => m.digest === v2.digest)?.tags, ['latest', 'v2']);
  });

  it('follows the version pages of a package with 105 versions, and a package name with a slash (%2F)', async () => {
    gh.log.length = 0;
    const big = await (await provider()).listManifests!('octo/big');
    assert.equal(big.length, 105);
    assert.equal(gh.requests({ method: 'GET', path: '/user/packages/container/big/versions' }).length, 2);
    const cli = await (await provider()).listTagDetails!('acme/tools/cli');
    assert.deepEqual(cli.map((t) => t.tag), ['1.0']);
    assert.ok(gh.requests({ path: '/orgs/acme/packages/container/tools%2Fcli/versions' }).length >= 1);
  });

  it('an untagged cleanup plans only the orphan: the platforms of multi-1 and the signature of v2 are kept', async () => {
    const preview = await previewPrune(client(), 'octo/app', undefined, { untagged: true });
    const fate = Object.fromEntries((preview.untagged ?? []).map((e) => [e.digest, e]));
    assert.deepEqual((preview.untagged ?? []).filter((e) => e.action === 'delete').map((e) => e.digest), [orphan.digest]);
    for (const child of multi.children) assert.match(fate[child.digest]?.reason ?? '', /^keep: part of octo\/app:multi-1/);
    assert.match(fate[signature]?.reason ?? '', /^keep: refers to octo\/app:(latest|v2)$/);
  });

  it('the untagged cleanup run deletes the orphan alone: the platforms, the signature and every tagged image stay', async () => {
    const c = client();
    const preview = await previewPrune(c, 'octo/app', undefined, { untagged: true });
    const result = await executePrune(c, preview, { confirmation: 'pre-approved' });
    assert.deepEqual(result.deleted, [orphan.digest], JSON.stringify(result));
    const stored = storedRepository(reg.dataDir, 'octo/app').manifests.map((m) => m.digest);
    assert.ok(!stored.includes(orphan.digest), 'the orphan is still stored');
    for (const kept of [signature, ...multi.children.map((k) => k.digest), multi.digest, v1.digest, v2.digest]) assert.ok(stored.includes(kept), kept);
  });

  it('deleteImage deletes the version by its id: the manifest and both its tags are gone from the registry', async () => {
    const extra = await pushImage(reg, 'octo/app', ['gone-1', 'gone-2'], { salt: 'ghcr-gone' });
    const p = await provider();
    assert.deepEqual(await p.deleteImage!('octo/app', extra.digest, ['gone-1', 'gone-2']), { alreadyGone: false });
    const id = gh.versionId('octo/app', extra.digest);
    assert.equal(gh.requests({ method: 'DELETE', path: `/user/packages/container/app/versions/${id}` }).at(-1)?.status, 204);
    assert.equal(await head(reg, 'octo/app', 'gone-1'), undefined);
    assert.equal(await head(reg, 'octo/app', 'gone-2'), undefined);
    assert.ok(!storedRepository(reg.dataDir, 'octo/app').manifests.some((m) => m.digest === extra.digest));
    assert.deepEqual(await p.deleteImage!('octo/app', extra.digest, []), { alreadyGone: true });
    assert.equal(await head(reg, 'octo/app', 'v1'), v1.digest, 'the rest stays');
  });

  it('deleteImage in an organisation, the id found by listing first; a version deleted meanwhile is already gone', async () => {
    const img = await pushImage(reg, 'acme/tools/cli', ['2.0'], { salt: 'ghcr-cli-2' });
    const p = await provider();
    assert.deepEqual(await p.deleteImage!('acme/tools/cli', img.digest, ['2.0']), { alreadyGone: false });
    assert.equal(await head(reg, 'acme/tools/cli', '2.0'), undefined);
    const again = await pushImage(reg, 'acme/tools/cli', ['3.0'], { salt: 'ghcr-cli-3' });
    await p.listManifests!('acme/tools/cli');
    await fetch(`${reg.url}/v2/acme/tools/cli/manifests/${again.digest}`, { method: 'DELETE' });
    assert.deepEqual(await p.deleteImage!('acme/tools/cli', again.digest, ['3.0']), { alreadyGone: true });
  });

  it('a token without delete:packages: the scope to add is named; nothing is deleted', async () => {
    const e = await failing((await provider(READER)).deleteImage!('octo/app', v1.digest, ['v1']));
    assert.equal(e.code, 'INSUFFICIENT_SCOPE');
    assert.equal(e.scope, 'delete:packages');
    assert.match(e.message, /lacks the delete:packages scope needed to delete octo\/app@sha256:/);
    assert.match(e.fix ?? '', /Add the delete:packages scope to the personal access token \(classic\)/);
    assert.equal(await head(reg, 'octo/app', 'v1'), v1.digest);
  });

  it('a token without read:packages: read:packages is named', async () => {
    const e = await failing((await provider(NOSCOPE)).listRepositories!());
    assert.equal(e.code, 'INSUFFICIENT_SCOPE');
    assert.equal(e.scope, 'read:packages');
  });

  it('a bad token (401) in plain words, asking for new credentials', async () => {
    const e = await failing((await provider({ login: 'octo', token: fakeClassicToken() })).listManifests!('octo/app'));
    assert.equal(e.code, 'UNAUTHORIZED');
    assert.equal(e.need, 'credentials');
    assert.match(e.message, /GitHub did not accept the token .*wrong, expired or revoked/);
  });

  it('rate limits: 429 with Retry-After says how long to wait; a used-up hour says when it renews; quota() tells', async () => {
    const p = await provider();
    await p.listManifests!('octo/app');
    const q = p.quota!();
    assert.ok(q && q.limit === 5000 && q.remaining < 5000 && q.resetsAt instanceof Date, JSON.stringify(q));
    gh.force({ status: 429, retryAfter: 3600, path: /versions/ });
    const limited = await failing(p.listManifests!('octo/app'));
    assert.equal(limited.code, 'RATE_LIMITED');
    assert.match(limited.fix ?? '', /^Wait 60 minutes/);
    gh.force({ status: 403, retryAfter: 120, message: 'You have exceeded a secondary rate limit.' });
    assert.match((await failing(p.listManifests!('octo/app'))).fix ?? '', /^Wait 2 minutes/);
    gh.setRemaining('octo', 0);
    try {
      const used = await failing(p.listManifests!('octo/app'));
      assert.equal(used.code, 'RATE_LIMITED');
      assert.match(used.fix ?? '', /5000 requests an hour are used up; they are renewed at \d\d:\d\d UTC \(in \d+ minutes\)/);
      assert.equal(p.quota!()?.remaining, 0);
    } finally {
      gh.setRemaining('octo', 4000);
    }
  });

  it('a next link to another host, or one sent before, is INCOMPLETE_LIST; nothing is sent there', async () => {
    gh.rewriteLinks((url) => url.replace(gh.host, 'elsewhere.invalid'));
    try {
      const e = await failing((await provider()).listManifests!('octo/big'));
      assert.equal(e.code, 'INCOMPLETE_LIST');
      assert.match(e.message, /names another host \(elsewhere\.invalid\)/);
    } finally {
      gh.rewriteLinks(undefined);
    }
    gh.rewriteLinks((url) => url.replace(/([?&])page=\d+/, '$1page=1'));
    try {
      const e = await failing((await provider()).listManifests!('octo/big'));
      assert.equal(e.code, 'INCOMPLETE_LIST');
      assert.match(e.message, /paging loop/);
    } finally {
      gh.rewriteLinks(undefined);
    }
  });

  it('a repository without an owner is bad input before any request', async () => {
    gh.log.length = 0;
    const e = await failing((await provider()).listManifests!('app'));
    assert.equal(e.code, 'BAD_INPUT');
    assert.equal(gh.log.length, 0);
  });

  it('no token in any error, log line or request log', () => {
    assert.ok(errors.length >= 8, `${errors.length} errors`);
    const text = [...errors.map((e) => JSON.stringify(describeError(e))), ...logLines, JSON.stringify(gh.log)].join('\n');
    for (const token of TOKENS) assert.ok(!text.includes(token), 'a token was quoted');
  });
});

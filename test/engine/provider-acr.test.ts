// The ACR provider (src/registry/providers/acr.ts) and what it gives both faces, against the FAKE ACR
// (test/support/fake-acr.ts: ACR's published data-plane API over a REAL docker-registry, whose V2 it forwards):
// detection and the explicit choice, Basic and refresh-token logins with metadata_read scopes, paging, untagged
// manifests with index children and referrers left out, a locked image, untag through the provider, prune --untagged,
// and an answer that does not match the spec. The registry behind the fake is checked over raw HTTP.
import * as assert from 'node:assert/strict';
import { readManifests, untaggedGarbage } from '../../src/ops';
import { createRegistryClient } from '../../src/registry/client';
import type { Credential, RegistryClient } from '../../src/registry/types';
import { expectExit, expectShortError, head, regx, useCliScratchHome } from '../support/cli';
import { ACR_REFRESH_USER, startFakeAcr, type FakeAcr } from '../support/fake-acr';
import { startFaultServer } from '../support/fault-server';
import { startRegistry, type TestRegistry } from '../support/registry';
import { backdate, storedRepository } from '../support/registry-storage';
import { pushImage, pushIndex, pushManifest, pushManyTags, pushReferrer, type PushedImage, type PushedIndex } from '../support/seed';

const ADMIN = { username: 'acr-admin', password: 'admin-pw-provider-acr-1' };
const READER = { username: 'acr-reader', password: 'reader-pw-provider-acr-2', readOnly: true };
const REFRESH = 'refresh-token-provider-acr-3';

describe('ACR provider (fake ACR over a real registry)', function () {
  this.timeout(60_000);
  useCliScratchHome();
  let reg: TestRegistry;
  let acr: FakeAcr;
  let v1: PushedImage;
  let v2: PushedImage;
  let orphan: PushedImage;
  let multi: PushedIndex;
  let signature: string;
  const clients: RegistryClient[] = [];
  const client = (cred: Credential = ADMIN, provider?: 'auto' | 'distribution' | 'acr'): RegistryClient => {
    const c = createRegistryClient({ url: acr.url, credentials: async () => cred, provider });
    clients.push(c);
    return c;
  };
  const login = ['-u', ADMIN.username, '--password-stdin'];
  const run = (args: string[], user = ADMIN): ReturnType<typeof regx> => regx([...args, '-u', user.username, '--password-stdin'], { stdin: user.password });

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    v1 = await pushImage(reg, 'app', ['v1'], { salt: 'acr-v1' });
    v2 = await pushImage(reg, 'app', ['v2', 'latest'], { salt: 'acr-v2' });
    orphan = await pushImage(reg, 'app', [], { salt: 'acr-orphan' }); // what an overwritten `latest` leaves behind
    multi = await pushIndex(reg, 'app', ['multi-1'], { salt: 'acr-multi' });
    signature = await pushReferrer(reg, 'app', { digest: v2.digest, mediaType: v2.mediaType, size: v2.size });
    await pushManyTags(reg, 'big', 105, { distinctDigests: true });
    acr = await startFakeAcr({ registry: reg, users: [ADMIN, READER], refreshTokens: [REFRESH] });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await acr?.stop();
    await reg?.stop();
  });

  it('is detected from the token challenge (realm /oauth2/token, service = the host), or named', async () => {
    assert.equal((await client().provider()).name, 'acr');
    assert.equal((await client(ADMIN, 'distribution').provider()).name, 'distribution');
    const probes = acr.requests({ path: '/v2/' }).filter((r) => r.authorization === undefined);
    assert.ok(probes.length >= 1, 'detection asks anonymously');
  });

  it('lists tags with digests and push times in pages, asking for metadata_read', async () => {
    const details = await (await client().provider()).listTagDetails!('app');
    const byTag = Object.fromEntries(details.map((d) => [d.tag, d.digest]));
    assert.deepEqual(byTag, { latest: v2.digest, 'multi-1': multi.digest, v1: v1.digest, v2: v2.digest });
    for (const d of details) assert.ok(d.pushed instanceof Date && !Number.isNaN(d.pushed.getTime()), d.tag);
    acr.log.length = 0;
    const big = await (await client().provider()).listTagDetails!('big');
    assert.equal(big.length, 105);
    assert.equal(acr.requests({ method: 'GET', path: '/acr/v1/big/_tags' }).filter((r) => r.status === 200).length, 2, 'two pages of at most 100');
  });

  it('lists the untagged manifests nothing tagged needs: not the platform images of multi-1, not the signature of v2', async () => {
    const listing = await readManifests(client(), 'app');
    const garbage = untaggedGarbage(listing.rows).map((r) => r.digest);
    assert.deepEqual(garbage, [orphan.digest]);
    const rows = Object.fromEntries(listing.rows.map((r) => [r.digest, r]));
    assert.equal(rows[multi.children[0].digest].neededBy, 'part of app:multi-1 (linux/amd64)');
    assert.deepEqual(rows[multi.children[0].digest].childOf, [multi.digest]);
    assert.equal(rows[signature].subject, v2.digest);
    assert.match(rows[signature].neededBy ?? '', /^refers to app:(latest|v2)$/);
  });

  it('logs in with the refresh token az acr login leaves in the docker config', async () => {
    acr.log.length = 0;
    const details = await (await client({ username: ACR_REFRESH_USER, identityToken: REFRESH }).provider()).listTagDetails!('app');
    assert.equal(details.length, 4);
    assert.ok(acr.requests({ method: 'POST', path: '/oauth2/token' }).length >= 1, 'the refresh token was exchanged with POST');
  });

  it('regx: tags --json adds pushed, inspect names the provider, manifests --untagged lists the garbage', async () => {
    const tags = await run(['tags', `${acr.url}/app`, '--json']);
    expectExit(tags, 0);
    for (const row of JSON.parse(tags.stdout) as { tag: string; pushed?: string }[]) assert.ok(row.pushed && !Number.isNaN(Date.parse(row.pushed)), row.tag);
    const inspect = await run(['inspect', `${acr.url}/app:v1`, '--json']);
    expectExit(inspect, 0);
    assert.equal(JSON.parse(inspect.stdout).provider, 'acr');
    const manifests = await run(['manifests', `${acr.url}/app`, '--untagged', '--json']);
    expectExit(manifests, 0);
    assert.deepEqual((JSON.parse(manifests.stdout) as { digest: string; tags: string[] }[]).map((m) => [m.digest, m.tags]), [[orphan.digest, []]]);
  });

  it('a locked image is not deleted: exit 1 with the az command that unlocks it; the registry keeps it', async () => {
    acr.setAttributes('app', 'v1', { deleteEnabled: false });
    try {
      const r = await run(['delete', `${acr.url}/app:v1`, '--yes']);
      expectExit(r, 1);
      assert.match(r.stderr, /is locked in ACR \(delete disabled\): nothing was deleted/);
      assert.match(r.stderr, /az acr repository update --name 127\.0\.0\.1:\d+ --image app:v1 --delete-enabled true --write-enabled true/);
      assert.equal(acr.requests({ method: 'DELETE' }).length, 0);
      assert.equal(await head(reg, 'app', 'v1'), v1.digest);
    } finally {
      acr.setAttributes('app', 'v1', { deleteEnabled: true });
    }
  });

  it('a lock set after the review makes the DELETE fail with the lock and its fix, never "deletion is disabled"', async () => {
    const c = client();
    const { reviewDeletion, deleteReviewed } = await import('../../src/ops');
    const review = await reviewDeletion(c, 'app', ['v1']);
    acr.setAttributes('app', v1.digest, { writeEnabled: false });
    try {
      const result = await deleteReviewed(c, review, { confirmation: 'pre-approved' });
      assert.deepEqual(result.deleted, []);
      assert.match(result.failed[0]?.error ?? '', /app@sha256:\w+ is locked on 127\.0\.0\.1:\d+/);
      assert.equal(await head(reg, 'app', 'v1'), v1.digest);
    } finally {
      acr.setAttributes('app', v1.digest, { writeEnabled: true });
    }
  });

  it('a login without delete rights: exit 1 saying a login with delete rights is needed; nothing deleted', async () => {
    const r = await regx(['delete', `${acr.url}/app:v1`, '--yes', '-u', READER.username, '--password-stdin'], { stdin: READER.password });
    expectExit(r, 1);
    assert.match(r.stderr, /delete/);
    assert.equal(await head(reg, 'app', 'v1'), v1.digest);
  });

  it('untag goes through ACR’s tag delete: no throw-away manifest, the image and its other tag stay', async () => {
    const r = await run(['untag', `${acr.url}/app:v2`, '--yes']);
    expectExit(r, 0);
    assert.equal(acr.requests({ method: 'PUT' }).length, 0, 'a placeholder was pushed');
    assert.equal(acr.requests({ method: 'DELETE', path: '/acr/v1/app/_tags/v2' }).length, 1);
    assert.equal(await head(reg, 'app', 'v2'), undefined);
    assert.equal(await head(reg, 'app', 'latest'), v2.digest);
  });

  it('prune --untagged: the dry run plans only the garbage; the real run deletes it and nothing a tagged image needs', async () => {
    const dry = await run(['prune', `${acr.url}/app`, '--untagged', '--dry-run', '--json']);
    expectExit(dry, 0);
    const plan = (JSON.parse(dry.stdout) as { plan: { tag: string | null; digest: string; action: string; reason: string }[] }).plan;
    assert.ok(plan.every((e) => e.tag === null), 'only untagged entries without --semver');
    assert.deepEqual(plan.filter((e) => e.action === 'delete').map((e) => e.digest), [orphan.digest]);
    assert.equal(plan.find((e) => e.digest === signature)?.action, 'keep');
    const real = await run(['prune', `${acr.url}/app`, '--untagged', '--yes', '--json']);
    expectExit(real, 0);
    assert.deepEqual((JSON.parse(real.stdout) as { deleted: string[] }).deleted, [orphan.digest]);
    const stored = storedRepository(reg.dataDir, 'app').manifests.map((m) => m.digest);
    assert.ok(!stored.includes(orphan.digest), 'the orphan is still stored');
    for (const kept of [signature, ...multi.children.map((c) => c.digest), multi.digest, v1.digest, v2.digest]) assert.ok(stored.includes(kept), kept);
  });

  it('--older-than goes by ACR’s push times (an image rebuilt today but pushed long ago is old), the youngest tag on an image counting', async () => {
    const now = new Date();
    const old = await pushImage(reg, 'aged', ['1.0.0'], { salt: 'acr-aged-1', created: now });
    await pushImage(reg, 'aged', ['1.1.0'], { salt: 'acr-aged-2', created: now });
    const shared = await pushImage(reg, 'aged', ['1.2.0', '1.2-latest'], { salt: 'acr-aged-3', created: now });
    const ago = new Date(Date.now() - 60 * 86_400_000);
    for (const tag of ['1.0.0', '1.2.0']) backdate(reg.dataDir, 'aged', { tag }, ago); // 1.2-latest stays young
    const r = await run(['prune', `${acr.url}/aged`, '--semver', '<2.0.0', '--older-than', '30d', '--protect', '^none$', '--dry-run', '--json']);
    expectExit(r, 0);
    const plan = (JSON.parse(r.stdout) as { plan: { tag: string; digest: string; action: string }[] }).plan;
    const fate = Object.fromEntries(plan.map((e) => [e.tag, e.action]));
    assert.deepEqual(fate, { '1.0.0': 'delete', '1.1.0': 'keep', '1.2.0': 'keep', '1.2-latest': 'keep' }, JSON.stringify(plan));
    assert.equal(plan.find((e) => e.tag === '1.0.0')?.digest, old.digest);
    assert.equal(plan.find((e) => e.tag === '1.2.0')?.digest, shared.digest);
  });

  it('bad input: an unknown provider is exit 2 before any request', async () => {
    acr.log.length = 0;
    expectShortError(await regx(['tags', `${acr.url}/app`, '--provider', 'gcr', ...login], { stdin: ADMIN.password }), 2, /"gcr" is not a registry provider/);
    assert.equal(acr.log.length, 0);
  });

  it('an answer that does not match the spec is a clear error, and nothing is deleted', async () => {
    const digest = v1.digest;
    const fault = await startFaultServer([
      { method: 'GET', path: '/v2/', respond: { status: 200, body: {} } },
      { method: 'GET', path: '/acr/v1/app/_tags', respond: { status: 200, body: { registry: 'x', imageName: 'app', tags: 'v1' } } },
      { method: 'GET', path: '/v2/app/tags/list', respond: { status: 200, body: { name: 'app', tags: ['v1'] } } },
      { method: ['GET', 'HEAD'], path: '/v2/app/manifests/v1', respond: { status: 200, headers: { 'Docker-Content-Digest': digest, 'Content-Type': v1.mediaType }, body: '{}' } },
    ]);
    try {
      const r = await regx(['prune', `${fault.url}/app`, '--semver', '*', '--provider', 'acr', '--yes']);
      expectExit(r, 1);
      assert.match(r.stderr, /sent a tag list without a "tags" list/);
      assert.equal(fault.requests({ method: 'DELETE' }).length, 0);
    } finally {
      await fault.stop();
    }
  });

  it('pushes of the same manifest under a new tag are seen at once (the provider’s list is the registry’s state)', async () => {
    const res = await fetch(`${reg.url}/v2/app/manifests/${v1.digest}`, { headers: { accept: v1.mediaType } });
    await pushManifest(reg, 'app', 'again', v1.mediaType, Buffer.from(await res.arrayBuffer()));
    const details = await (await client().provider()).listTagDetails!('app');
    assert.equal(details.find((d) => d.tag === 'again')?.digest, v1.digest);
  });
});

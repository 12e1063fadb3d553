// The Harbor provider (src/registry/providers/harbor.ts) and what it gives both faces, against the FAKE Harbor
// (test/support/fake-harbor.ts: Harbor's published REST API over a REAL docker-registry, whose V2 it forwards):
// detection, repositories for a login that may not read the catalog, artifacts in pages with push times and
// immutability, untagged artifacts with referrers left out, an immutable image, untag through the provider, prune
// --untagged and a robot account. The registry behind the fake is checked over raw HTTP.
import * as assert from 'node:assert/strict';
import { readManifests, untaggedGarbage } from '../../src/ops';
import { createRegistryClient } from '../../src/registry/client';
import type { Credential, RegistryClient } from '../../src/registry/types';
import { expectExit, head, regx, useCliScratchHome } from '../support/cli';
import { startFakeHarbor, type FakeHarbor } from '../support/fake-harbor';
import { startRegistry, type TestRegistry } from '../support/registry';
import { storedRepository } from '../support/registry-storage';
import { pushImage, pushIndex, pushManyTags, pushReferrer, type PushedImage, type PushedIndex } from '../support/seed';

const USER = { username: 'dev', password: 'dev-pw-provider-harbor-1' };
const ROBOT = { username: 'robot$ci', password: 'robot-pw-provider-harbor-2' };

describe('Harbor provider (fake Harbor over a real registry)', function () {
  this.timeout(60_000);
  useCliScratchHome();
  let reg: TestRegistry;
  let harbor: FakeHarbor;
  let v1: PushedImage;
  let v2: PushedImage;
  let orphan: PushedImage;
  let multi: PushedIndex;
  let signature: string;
  const clients: RegistryClient[] = [];
  const client = (cred: Credential = USER): RegistryClient => {
    const c = createRegistryClient({ url: harbor.url, credentials: async () => cred });
    clients.push(c);
    return c;
  };
  const run = (args: string[], user = USER): ReturnType<typeof regx> => regx([...args, '-u', user.username, '--password-stdin'], { stdin: user.password });

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    v1 = await pushImage(reg, 'library/app', ['v1'], { salt: 'harbor-v1' });
    v2 = await pushImage(reg, 'library/app', ['v2', 'latest'], { salt: 'harbor-v2' });
    orphan = await pushImage(reg, 'library/app', [], { salt: 'harbor-orphan' });
    multi = await pushIndex(reg, 'library/app', ['multi-1'], { salt: 'harbor-multi' });
    signature = await pushReferrer(reg, 'library/app', { digest: v2.digest, mediaType: v2.mediaType, size: v2.size });
    await pushManyTags(reg, 'team/big', 105, { distinctDigests: true });
    harbor = await startFakeHarbor({ registry: reg, users: [USER, ROBOT] });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await harbor?.stop();
    await reg?.stop();
  });

  it('is detected from the token realm (/service/token)', async () => {
    assert.equal((await client().provider()).name, 'harbor');
  });

  it('lists the repositories through projects when the login may not read the V2 catalog', async () => {
    const r = await run(['repos', harbor.url, '--json']);
    expectExit(r, 0);
    assert.deepEqual(JSON.parse(r.stdout), ['library/app', 'team/big']);
  });

  it('lists artifacts in pages of 100 with push times, and tags with their digests', async () => {
    harbor.log.length = 0;
    const details = await (await client().provider()).listTagDetails!('team/big');
    assert.equal(details.length, 105);
    assert.equal(harbor.requests({ method: 'GET', path: /\/artifacts$/ }).length, 2, 'two pages');
    const app = await (await client().provider()).listTagDetails!('library/app');
    assert.deepEqual(Object.fromEntries(app.map((d) => [d.tag, d.digest])), { latest: v2.digest, 'multi-1': multi.digest, v1: v1.digest, v2: v2.digest });
    for (const d of app) assert.ok(d.pushed instanceof Date, d.tag);
  });

  it('lists the untagged artifacts nothing tagged needs: not the signature of v2; index children are references', async () => {
    const listing = await readManifests(client(), 'library/app');
    assert.deepEqual(untaggedGarbage(listing.rows).map((r) => r.digest), [orphan.digest]);
    const sig = listing.rows.find((r) => r.digest === signature);
    assert.match(sig?.neededBy ?? '', /^refers to library\/app:(latest|v2)$/);
    assert.deepEqual(listing.snapshot.children.get(multi.digest)?.map((c) => c.digest).sort(), multi.children.map((c) => c.digest).sort());
  });

  it('an immutable tag keeps its image: exit 1 naming the rule and who can change it; nothing deleted', async () => {
    harbor.addImmutableRule('library/app', 'v1');
    const r = await run(['delete', `${harbor.url}/library/app:v1`, '--yes']);
    expectExit(r, 1);
    assert.match(r.stderr, /is immutable in Harbor \(a tag immutability rule\): nothing was deleted/);
    assert.match(r.stderr, /Project → Policy → Tag Immutability/);
    assert.equal(harbor.requests({ method: 'DELETE' }).length, 0);
    assert.equal(await head(reg, 'library/app', 'v1'), v1.digest);
  });

  it('untag goes through Harbor’s tag delete: the image and its other tag stay', async () => {
    const r = await run(['untag', `${harbor.url}/library/app:v2`, '--yes']);
    expectExit(r, 0);
    assert.equal(harbor.requests({ method: 'PUT' }).length, 0, 'a placeholder was pushed');
    assert.equal(await head(reg, 'library/app', 'v2'), undefined);
    assert.equal(await head(reg, 'library/app', 'latest'), v2.digest);
  });

  it('prune --untagged with a robot account deletes the garbage, and nothing a tagged image needs', async () => {
    const r = await run(['prune', `${harbor.url}/library/app`, '--untagged', '--yes', '--json'], ROBOT);
    expectExit(r, 0);
    assert.deepEqual((JSON.parse(r.stdout) as { deleted: string[] }).deleted, [orphan.digest]);
    const stored = storedRepository(reg.dataDir, 'library/app').manifests.map((m) => m.digest);
    assert.ok(!stored.includes(orphan.digest));
    for (const kept of [signature, multi.digest, ...multi.children.map((c) => c.digest), v1.digest, v2.digest]) assert.ok(stored.includes(kept), kept);
  });
});

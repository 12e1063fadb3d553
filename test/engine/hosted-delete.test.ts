// Deleting on services whose V2 DELETE is refused: the one executor deletes through the provider's own API — Docker
// Hub by untagging each tag the user was shown (its image data stays, as on Hub), GHCR by deleting the package
// version — after the same re-check as everywhere; and Untag on GHCR, which has none, says so and changes nothing.
// FAKE Hub and GHCR APIs (test/support/fake-dockerhub.ts, fake-ghcr.ts) over a REAL registry.
import * as assert from 'node:assert/strict';
import { deleteReviewed, reviewDeletion, reviewUntag, untagMethod } from '../../src/ops';
import { createRegistryClient } from '../../src/registry/client';
import { isRegistryError } from '../../src/registry/errors';
import type { RegistryClient } from '../../src/registry/types';
import { expectExit, head, regx, useCliScratchHome } from '../support/cli';
import { startFakeDockerHub, type FakeDockerHub } from '../support/fake-dockerhub';
import { fakeClassicToken, startFakeGhcr, type FakeGhcr } from '../support/fake-ghcr';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage, pushManifest } from '../support/seed';
import { storedRepository } from '../support/registry-storage';

describe('deleting where V2 refuses: through the provider, by the one executor (fake Hub and GHCR APIs)', function () {
  useCliScratchHome(); // regx keeps its undo journal under HOME: a scratch one, never the real home
  this.timeout(60_000);
  let reg: TestRegistry;
  let hub: FakeDockerHub;
  let gh: FakeGhcr;
  const clients: RegistryClient[] = [];
  const HUB_USER = { username: 'alice', secret: 'dckr_pat_alice-hosted-delete' };
  const GH_USER = { login: 'octo', token: fakeClassicToken() };

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    const img = await pushImage(reg, 'alice/del', ['a'], { salt: 'hd-hub' });
    const bytes = storedRepository(reg.dataDir, 'alice/del').manifests[0].bytes;
    await pushManifest(reg, 'alice/del', 'b', img.mediaType, bytes);
    await pushImage(reg, 'alice/del', ['keep'], { salt: 'hd-hub-keep' });
    await pushImage(reg, 'octo/app', ['v1', 'old'], { salt: 'hd-ghcr-1' });
    await pushImage(reg, 'octo/app', ['v2'], { salt: 'hd-ghcr-2' });
    hub = await startFakeDockerHub({ registry: reg, accounts: [{ ...HUB_USER, orgs: [] }] });
    hub.importFromRegistry('alice/del');
    gh = await startFakeGhcr({ registry: reg, users: [{ ...GH_USER }] });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await hub?.stop();
    await gh?.stop();
    await reg?.stop();
  });

  const hubClient = (): RegistryClient => {
    const c = createRegistryClient({ url: reg.url, provider: 'dockerhub', apiUrl: hub.url, credentials: async () => ({ username: HUB_USER.username, password: HUB_USER.secret }) });
    clients.push(c);
    return c;
  };
  const ghClient = (): RegistryClient => {
    const c = createRegistryClient({ url: reg.url, provider: 'ghcr', apiUrl: gh.url, credentials: async () => ({ username: GH_USER.login, password: GH_USER.token }) });
    clients.push(c);
    return c;
  };

  it('Docker Hub: Delete Image untags every tag of the image through the Hub API; the other image and the data stay', async () => {
    const client = hubClient();
    const review = await reviewDeletion(client, 'alice/del', ['a']);
    assert.deepEqual(review.images.map((i) => i.tags), [['a', 'b']]);
    const digest = review.images[0].digest;
    const result = await deleteReviewed(client, review, { confirmation: 'interactive' });
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.deleted, [digest]);
    assert.deepEqual(hub.tags('alice/del'), ['keep']);
    const untags = hub.requests({ method: 'DELETE' }).map((r) => new URL(r.url, 'http://x').pathname).sort();
    assert.deepEqual(untags, ['/v2/repositories/alice/del/tags/a/', '/v2/repositories/alice/del/tags/b/']);
    // Hub keeps the image data: the manifest is still there by digest (no V2 DELETE was sent).
    assert.equal(await head(reg, 'alice/del', digest), digest);
    assert.equal(await head(reg, 'alice/del', 'a'), undefined);
    assert.ok((await client.provider()).deletionNote?.includes('keeps the image data'));
  });

  it('GHCR: Delete Image deletes the package version; every tag on it goes, the other image stays', async () => {
    const client = ghClient();
    const review = await reviewDeletion(client, 'octo/app', ['v1']);
    assert.deepEqual(review.images.map((i) => i.tags), [['old', 'v1']]);
    const digest = review.images[0].digest;
    const result = await deleteReviewed(client, review, { confirmation: 'interactive' });
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.deleted, [digest]);
    assert.equal(gh.requests({ method: 'DELETE', path: /\/versions\/\d+$/ }).length, 1, 'one version DELETE through the REST API');
    assert.equal(await head(reg, 'octo/app', digest), undefined);
    assert.equal(await head(reg, 'octo/app', 'old'), undefined);
    assert.ok(await head(reg, 'octo/app', 'v2'));
  });

  it('GHCR: Untag says GHCR has none, before asking anything, and changes nothing', async () => {
    const client = ghClient();
    await assert.rejects(untagMethod(client, 'octo/app'), (e: unknown) => isRegistryError(e, 'UNTAG_UNSUPPORTED') && /GHCR has no way to remove one tag/.test((e as Error).message));
    const review = await reviewUntag(client, 'octo/app', 'v2');
    assert.ok(review);
    assert.ok(await head(reg, 'octo/app', 'v2'));
  });

  it('regx delete --provider dockerhub --api-url: the same untag of every tag, from the CLI, with the Hub note', async () => {
    const img = await pushImage(reg, 'alice/cli', ['x', 'y'], { salt: 'hd-hub-cli' });
    hub.importFromRegistry('alice/cli');
    const r = await regx(['delete', `${reg.url}/alice/cli:x`, '--provider', 'dockerhub', '--api-url', hub.url, '-u', HUB_USER.username, '--password-stdin', '--yes'], { stdin: HUB_USER.secret });
    expectExit(r, 0);
    assert.match(r.stdout, /removes 2 tags: x, y/);
    assert.deepEqual(hub.tags('alice/cli'), []);
    assert.equal(await head(reg, 'alice/cli', img.digest), img.digest, 'Hub keeps the data');
    assert.match(r.stderr, /Docker Hub keeps the image data/);
    assert.doesNotMatch(r.stderr, /garbage-collect/, 'no self-hosted advice for Docker Hub');
    assert.ok(!r.stdout.includes(HUB_USER.secret) && !r.stderr.includes(HUB_USER.secret));
  });
});

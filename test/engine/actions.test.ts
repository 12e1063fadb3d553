// The engine behind the editor's one-step Untag and Delete Repository (issue 10), and `regx delete <repo> --all`:
// how a registry can remove a tag, found out without changing anything (a real distribution 2.8.2, fault servers for
// distribution 3 / OCI 1.1 and for a registry with deletion off), and every image of a repository deleted from one
// read, through the executor, against a real registry. Each test checks the registry afterwards.
import * as assert from 'node:assert/strict';
import { createRegistryClient } from '../../src/registry/client';
import type { RegistryClient } from '../../src/registry/types';
import { deleteReviewed, reviewRepositoryDeletion, reviewUntag, untagMethod, untagReviewed } from '../../src/ops';
import { expectExit, head, regx, useCliScratchHome } from '../support/cli';
import { faultTagStore, startFaultServer, type FaultServer } from '../support/fault-server';
import { startHookProxy, type HookProxy } from '../support/proxy';
import { startRegistry, type TestRegistry } from '../support/registry';
import { storedRepository } from '../support/registry-storage';
import { FULL_ACCEPT, pushImage, pushIndex, pushManifest } from '../support/seed';
import { rejectsWith } from '../support/assertions';

async function retag(reg: { url: string }, repository: string, digest: string, tag: string): Promise<void> {
  const res = await fetch(`${reg.url}/v2/${repository}/manifests/${digest}`, { headers: { accept: FULL_ACCEPT } });
  assert.equal(res.status, 200);
  await pushManifest(reg, repository, tag, res.headers.get('content-type') ?? '', Buffer.from(await res.arrayBuffer()));
}

const stored = (reg: TestRegistry, repository: string) => {
  const s = storedRepository(reg.dataDir, repository);
  return { manifests: s.manifests.map((m) => m.digest).sort(), tags: Object.fromEntries(s.tags.map((t) => [t.tag, t.digest])) };
};

describe('one-step Untag and Delete Repository (engine and regx)', function () {
  this.timeout(60_000);
  useCliScratchHome();
  let reg: TestRegistry;
  const clients: RegistryClient[] = [];
  const client = (url = reg.url): RegistryClient => {
    const c = createRegistryClient({ url });
    clients.push(c);
    return c;
  };

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await reg?.stop();
  });

  describe('untagMethod: how a tag can be removed, found out without changing anything', () => {
    let fault: FaultServer | undefined;
    afterEach(async () => {
      await fault?.stop();
      fault = undefined;
    });

    it('distribution 2.8.2 (400 DIGEST_INVALID to a DELETE by tag): the placeholder, and the probe changed nothing', async () => {
      await pushImage(reg, 'probe', ['2.0.0', 'latest'], { salt: 'actions-probe' });
      const before = stored(reg, 'probe');
      assert.equal(await untagMethod(client(), 'probe'), 'placeholder');
      assert.deepEqual(stored(reg, 'probe'), before);
    });

    it('a registry that deletes a tag by name (distribution 3, OCI 1.1): the registry, and no tag was removed', async () => {
      const store = faultTagStore({ repo: 'app', tags: { a: 'x', b: 'x' }, deleteByTag: 'untag' });
      fault = await startFaultServer([{ method: 'GET', path: '/v2/', respond: { status: 200, body: {} } }, ...store.routes]);
      assert.equal(await untagMethod(client(fault.url), 'app'), 'registry');
      assert.deepEqual(store.tags(), { a: store.digests.x, b: store.digests.x });
      const probes = fault.requests({ method: 'DELETE' });
      assert.equal(probes.length, 1);
      assert.match(probes[0].path, /^\/v2\/app\/manifests\/regx-untag-probe-[0-9a-f-]{36}$/, 'only a tag that cannot exist was named');
    });

    it('deletion disabled (405): throws DELETE_DISABLED with the fix, before anyone is asked', async () => {
      const store = faultTagStore({ repo: 'app', tags: { a: 'x' }, deleteByTag: 'unsupported' });
      fault = await startFaultServer([{ method: 'GET', path: '/v2/', respond: { status: 200, body: {} } }, ...store.routes]);
      const e = await rejectsWith(untagMethod(client(fault.url), 'app'), 'DELETE_DISABLED');
      assert.match(e.fix ?? '', /storage\.delete\.enabled/);
      assert.deepEqual(store.tags(), { a: store.digests.x });
    });

    it('untagReviewed with the method found: the placeholder way without sending the refused DELETE by tag again', async () => {
      const img = await pushImage(reg, 'known', ['old', 'keep'], { salt: 'actions-known' });
      const before = stored(reg, 'known');
      const seen: string[] = [];
      const proxy: HookProxy = await startHookProxy(reg.url, (r) => {
        if (r.method === 'DELETE') seen.push(r.url);
      });
      try {
        const c = client(proxy.url);
        const review = await reviewUntag(c, 'known', 'old');
        assert.deepEqual(review.otherTags, ['keep']);
        const method = await untagMethod(c, 'known');
        seen.length = 0;
        const result = await untagReviewed(c, review, { fallback: true, method });
        assert.equal(result.method, 'placeholder');
        assert.ok(!seen.some((u) => u.endsWith('/manifests/old')), `a DELETE by tag was sent again: ${seen.join(', ')}`);
      } finally {
        await proxy.stop();
      }
      assert.equal(await head(reg, 'known', 'old'), undefined);
      assert.equal(await head(reg, 'known', 'keep'), img.digest);
      assert.deepEqual(stored(reg, 'known').manifests, before.manifests, 'no placeholder manifest stays behind');
    });
  });

  describe('reviewRepositoryDeletion + deleteReviewed', () => {
    it('lists every image with every tag on it, from one read; deleting leaves no tag and no tagged manifest', async () => {
      const a = await pushImage(reg, 'whole', ['2.0.0', 'latest'], { salt: 'whole-a' });
      const b = await pushImage(reg, 'whole', ['1.0.0'], { salt: 'whole-b' });
      const index = await pushIndex(reg, 'whole', ['multi'], { salt: 'whole-multi' });
      await retag(reg, 'whole', index.children[0].digest, 'multi-amd64');
      const c = client();
      const review = await reviewRepositoryDeletion(c, 'whole');
      const shown = Object.fromEntries(review.images.map((i) => [i.digest, i.tags]));
      assert.deepEqual(shown, { [a.digest]: ['2.0.0', 'latest'], [b.digest]: ['1.0.0'], [index.digest]: ['multi'], [index.children[0].digest]: ['multi-amd64'] });
      const result = await deleteReviewed(c, review, { confirmation: 'interactive' });
      assert.deepEqual([...result.deleted].sort(), [a.digest, b.digest, index.digest, index.children[0].digest].sort());
      assert.deepEqual(result.skipped, []);
      assert.deepEqual(result.lostTags, []);
      assert.deepEqual(stored(reg, 'whole').tags, {});
    });

    it('an image that gains a tag after the review is left alone; the others go', async () => {
      const a = await pushImage(reg, 'moving', ['1.0.0'], { salt: 'moving-a' });
      const b = await pushImage(reg, 'moving', ['2.0.0'], { salt: 'moving-b' });
      const c = client();
      const review = await reviewRepositoryDeletion(c, 'moving');
      await retag(reg, 'moving', a.digest, 'hotfix'); // someone tags it while the confirmation is open
      const result = await deleteReviewed(c, review, { confirmation: 'interactive' });
      assert.deepEqual(result.deleted, [b.digest]);
      assert.equal(result.skipped.length, 1);
      assert.match(result.skipped[0].reason, /changed since it was shown: hotfix now points at it/);
      assert.equal(await head(reg, 'moving', '1.0.0'), a.digest);
      assert.equal(await head(reg, 'moving', 'hotfix'), a.digest);
      assert.equal(await head(reg, 'moving', '2.0.0'), undefined);
    });

    it('refuses an incomplete tag list, sending no DELETE', async () => {
      const store = faultTagStore({ repo: 'app', tags: { '1.0.0': 'a', latest: 'a' } });
      const fault = await startFaultServer([
        { method: 'GET', path: '/v2/', respond: { status: 200, body: {} } },
        { method: 'GET', path: '/v2/app/tags/list', respond: { status: 200, headers: { Link: '<http://internal.invalid:5000/elsewhere?last=1.0.0>; rel="next"' }, body: { name: 'app', tags: ['1.0.0'] } } },
        ...store.routes.filter((r) => r.path !== '/v2/app/tags/list'),
      ]);
      try {
        await rejectsWith(reviewRepositoryDeletion(client(fault.url), 'app'), 'INCOMPLETE_LIST');
        assert.equal(fault.requests({ method: 'DELETE' }).length, 0);
      } finally {
        await fault.stop();
      }
    });
  });

  describe('regx delete <repo> --all', () => {
    it('--dry-run --json lists every image and tag and deletes nothing', async () => {
      const a = await pushImage(reg, 'cli-all', ['2.0.0', 'latest'], { salt: 'cli-all-a' });
      const b = await pushImage(reg, 'cli-all', ['1.0.0'], { salt: 'cli-all-b' });
      const r = await regx(['delete', `${reg.host}/cli-all`, '--all', '--dry-run', '--json']);
      expectExit(r, 0);
      const j = JSON.parse(r.stdout) as { repository: string; dryRun: boolean; images: { digest: string; tags: string[] }[]; deleted: string[] };
      assert.equal(j.dryRun, true);
      assert.deepEqual(Object.fromEntries(j.images.map((i) => [i.digest, i.tags])), { [a.digest]: ['2.0.0', 'latest'], [b.digest]: ['1.0.0'] });
      assert.deepEqual(j.deleted, []);
      assert.equal(await head(reg, 'cli-all', 'latest'), a.digest);
    });

    it('without --yes and without a terminal it refuses (exit 2), deleting nothing', async () => {
      const r = await regx(['delete', `${reg.host}/cli-all`, '--all']);
      expectExit(r, 2);
      assert.match(r.stdout, /Deleting every image of .*\/cli-all: 2 images, 3 tags\./);
      assert.match(r.stdout, /sha256:[0-9a-f]{64}: 2 tags: 2\.0\.0, latest/);
      assert.ok(await head(reg, 'cli-all', '1.0.0'), '1.0.0 was deleted');
    });

    it('--yes --json deletes every image (exit 0) and reports them', async () => {
      const r = await regx(['delete', `${reg.host}/cli-all`, '--all', '--yes', '--json']);
      expectExit(r, 0);
      const j = JSON.parse(r.stdout) as { deleted: string[]; skipped: unknown[]; lostTags: unknown[] };
      assert.equal(j.deleted.length, 2);
      assert.deepEqual(j.skipped, []);
      assert.deepEqual(stored(reg, 'cli-all').tags, {});
      assert.match(r.stderr, /garbage/);
    });

    it('a tag or digest with --all is bad usage (exit 2)', async () => {
      const r = await regx(['delete', `${reg.host}/cli-all:1.0.0`, '--all', '--yes']);
      expectExit(r, 2);
      assert.match(r.stderr, /without a tag or digest/);
    });
  });
});

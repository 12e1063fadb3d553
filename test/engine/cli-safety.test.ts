// regx against what hostile testing found (issue "Safety holes found by hostile testing", and the single executor of
// "One engine for every flow"), spawned as users run it: real registries for multi-arch images, lost tags and tags
// that appear meanwhile (a hook proxy lets the test act at an exact moment), fault servers for what a real registry
// cannot produce (a next-page link no client can follow, a registry whose digests lie). Each test checks the
// registry afterwards.
import * as assert from 'node:assert/strict';
import { faultTagStore, startFaultServer, type FaultRoute, type FaultServer } from '../support/fault-server';
import { startHookProxy, type HookProxy } from '../support/proxy';
import { startRegistry, type TestRegistry } from '../support/registry';
import { FULL_ACCEPT, pushImage, pushIndex, pushManifest, type PushedIndex } from '../support/seed';
import { expectExit, head, regx, regxOnTerminal, useCliScratchHome } from '../support/cli';

/** Points `tag` at the image `digest`, as another person (or a CI job) would. */
async function retag(reg: { url: string }, repository: string, digest: string, tag: string): Promise<void> {
  const res = await fetch(`${reg.url}/v2/${repository}/manifests/${digest}`, { headers: { accept: FULL_ACCEPT } });
  assert.equal(res.status, 200);
  await pushManifest(reg, repository, tag, res.headers.get('content-type') ?? '', Buffer.from(await res.arrayBuffer()));
}

describe('regx safety', function () {
  this.timeout(60_000);
  useCliScratchHome();
  let reg: TestRegistry;
  let H: string;
  const proxies: HookProxy[] = [];

  /** A proxy in front of the registry that runs `hook` before forwarding each request. */
  async function proxy(hook: Parameters<typeof startHookProxy>[1]): Promise<string> {
    const p = await startHookProxy(reg.url, hook);
    proxies.push(p);
    return p.host;
  }

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    H = reg.host;
  });
  after(async () => {
    for (const p of proxies) await p.stop();
    await reg?.stop();
  });

  describe('platform images of a multi-arch image that stays', () => {
    let index: PushedIndex;
    before(async () => {
      index = await pushIndex(reg, 'multi', ['latest'], { salt: 'cli-safety-multi' });
      await retag(reg, 'multi', index.children[0].digest, '2.0.0-amd64');
      await retag(reg, 'multi', index.children[1].digest, '2.0.0-arm64');
    });

    it('delete of one by digest refuses (exit 1) naming what it would break; nothing is deleted', async () => {
      const amd = index.children[0].digest;
      const r = await regx(['delete', `${H}/multi@${amd}`, '--yes']);
      expectExit(r, 1);
      assert.match(r.stdout, /platform image of multi:latest \(linux\/amd64\)/);
      assert.match(r.stderr, /refusing to break multi:latest \(linux\/amd64\)\. Nothing was deleted\.\nAdd --force/);
      assert.equal(await head(reg, 'multi', amd), amd);
      assert.equal(await head(reg, 'multi', '2.0.0-amd64'), amd);
    });

    it('prune skips them with "part of multi:latest (linux/amd64)", and deletes nothing', async () => {
      const r = await regx(['prune', `${H}/multi`, '--semver', '*', '--prerelease', '--yes', '--json']);
      expectExit(r, 0);
      const j = JSON.parse(r.stdout) as { plan: { tag: string; action: string; reason: string }[]; deleted: string[] };
      const amd = j.plan.find((e) => e.tag === '2.0.0-amd64');
      assert.deepEqual({ action: amd?.action, reason: amd?.reason }, { action: 'skip', reason: 'skip: part of multi:latest (linux/amd64)' });
      assert.deepEqual(j.deleted, []);
      for (const child of index.children) assert.equal(await head(reg, 'multi', child.digest), child.digest);
    });

    it('--force deletes it once the user says so specifically', async () => {
      const arm = index.children[1].digest;
      const r = await regx(['delete', `${H}/multi:2.0.0-arm64`, '--yes', '--force']);
      expectExit(r, 0);
      assert.equal(await head(reg, 'multi', arm), undefined);
      assert.equal(await head(reg, 'multi', 'latest'), index.digest, 'the index itself stays');
    });
  });

  describe('a tag list that is not known to be complete', () => {
    let fault: FaultServer;
    const withPages = (pages: (last: string | null) => { status: number; headers?: Record<string, string>; body: object }): FaultRoute[] => {
      const store = faultTagStore({ repo: 'app', tags: { '1.0.0': 'a', latest: 'a', '0.9.0': 'b' } });
      const list: FaultRoute = { method: 'GET', path: '/v2/app/tags/list', respond: (_req, ctx) => pages(ctx.url.searchParams.get('last')) };
      return [{ method: 'GET', path: '/v2/', respond: { status: 200, body: {} } }, list, ...store.routes.filter((r) => r.path !== '/v2/app/tags/list')];
    };
    afterEach(async () => {
      await fault?.stop();
    });

    it('a next-page link no client can follow: prune and delete refuse (exit 1), tags shows page one and says so', async () => {
      fault = await startFaultServer(
        withPages(() => ({ status: 200, headers: { Link: '<http://internal.invalid:5000/elsewhere?last=0.9.0>; rel="next"' }, body: { name: 'app', tags: ['1.0.0', '0.9.0'] } })),
      );
      const prune = await regx(['prune', `${fault.url}/app`, '--semver', '*', '--yes']);
      expectExit(prune, 1);
      assert.match(prune.stderr, /the tag list of app is incomplete: the registry sent a next-page link to another host \(internal\.invalid:5000\)/);
      const del = await regx(['delete', `${fault.url}/app:1.0.0`, '--yes']);
      expectExit(del, 1);
      assert.match(del.stderr, /incomplete/);
      assert.equal(fault.requests({ method: 'DELETE' }).length, 0, 'a DELETE was sent from an incomplete list');
      const tags = await regx(['tags', `${fault.url}/app`]);
      expectExit(tags, 1);
      assert.equal(tags.stdout, '1.0.0\n0.9.0\n');
      assert.match(tags.stderr, /incomplete/);
    });

    it('a next-page link to another host for the same listing is read from the registry itself: latest is seen and kept', async () => {
      fault = await startFaultServer(
        withPages((last) =>
          last === '0.9.0'
            ? { status: 200, body: { name: 'app', tags: ['latest'] } }
            : { status: 200, headers: { Link: '<http://internal.invalid:5000/v2/app/tags/list?last=0.9.0&n=2>; rel="next"' }, body: { name: 'app', tags: ['1.0.0', '0.9.0'] } },
        ),
      );
      const r = await regx(['prune', `${fault.url}/app`, '--semver', '*', '--yes', '--json']);
      expectExit(r, 0);
      const j = JSON.parse(r.stdout) as { plan: { tag: string; reason: string }[]; deleted: string[] };
      assert.equal(j.plan.find((e) => e.tag === '1.0.0')?.reason, 'skip: shares its image with kept tag latest');
      assert.equal(j.deleted.length, 1, 'only 0.9.0’s image goes');
    });
  });

  describe('tags that move while regx works', () => {
    it('delete --yes: a tag that appears on the image between resolution and the delete keeps it (exit 1, names the tag)', async () => {
      const img = await pushImage(reg, 'gain', ['1.0.0'], { salt: 'cli-gain' });
      // The executor's re-read (forced by --max-staleness 0) is the second tag listing: the tag appears just before.
      let listings = 0;
      const host = await proxy(async (req) => {
        if (req.method === 'GET' && req.url.startsWith('/v2/gain/tags/list') && ++listings === 2) await retag(reg, 'gain', img.digest, 'hotfix');
      });
      const r = await regx(['delete', `${host}/gain:1.0.0`, '--yes', '--max-staleness', '0']);
      expectExit(r, 1);
      assert.match(r.stderr, /nothing of sha256:\w+ was deleted: changed since it was shown: hotfix now points at it/);
      assert.equal(await head(reg, 'gain', '1.0.0'), img.digest);
      assert.equal(await head(reg, 'gain', 'hotfix'), img.digest);
    });

    it('after a yes at the prompt the tags are read again: a tag pushed while the question was open keeps the image', async () => {
      const img = await pushImage(reg, 'prompt', ['1.0.0'], { salt: 'cli-prompt' });
      const r = await regxOnTerminal(['delete', `${H}/prompt:1.0.0`], '[y/N]', async () => {
        await retag(reg, 'prompt', img.digest, 'rollback');
        return 'y';
      });
      expectExit(r, 1);
      assert.match(r.stdout, /rollback now points at it/);
      assert.equal(await head(reg, 'prompt', 'rollback'), img.digest);
    });

    it('Ctrl-C at the prompt exits non-zero and says nothing was deleted', async () => {
      const img = await pushImage(reg, 'ctrlc', ['1.0.0'], { salt: 'cli-ctrlc' });
      const r = await regxOnTerminal(['delete', `${H}/ctrlc:1.0.0`], '[y/N]', async () => 'ctrl-c');
      expectExit(r, 1);
      assert.match(r.stdout, /interrupted\. Nothing was deleted\./);
      assert.equal(await head(reg, 'ctrlc', '1.0.0'), img.digest);
    });

    it('prune: a tag moved onto an image as it is deleted is reported lost (--json "lostTags", exit 1)', async () => {
      const old = await pushImage(reg, 'lost', ['1.0.0'], { salt: 'cli-lost-old' });
      const stable = await pushImage(reg, 'lost', ['stable'], { salt: 'cli-lost-stable' });
      const host = await proxy(async (req) => {
        if (req.method === 'DELETE' && req.nth === 1) await retag(reg, 'lost', old.digest, 'stable');
      });
      const r = await regx(['prune', `${host}/lost`, '--semver', '*', '--yes', '--json']);
      expectExit(r, 1);
      const j = JSON.parse(r.stdout) as { deleted: string[]; lostTags: { tag: string; digest: string }[] };
      assert.deepEqual(j.deleted, [old.digest]);
      assert.deepEqual(j.lostTags, [{ tag: 'stable', digest: stable.digest }]);
      assert.match(r.stderr, /LOST tag stable: it disappeared while deleting/);
    });

    it('an image someone else deleted just before us reads "already gone", and counts as such', async () => {
      const a = await pushImage(reg, 'twice', ['1.0.0'], { salt: 'cli-twice-a' });
      const host = await proxy(async (req) => {
        if (req.method === 'DELETE' && req.nth === 1) await fetch(`${reg.url}/v2/twice/manifests/${a.digest}`, { method: 'DELETE' });
      });
      const r = await regx(['prune', `${host}/twice`, '--semver', '*', '--yes']);
      expectExit(r, 0);
      assert.match(r.stdout, /Deleted 0 image\(s\)/);
      assert.match(r.stdout, /1 image was already gone \(deleted by someone else meanwhile\)/);
    });
  });

  describe('a registry whose digests lie', () => {
    let fault: FaultServer;
    afterEach(async () => {
      await fault?.stop();
    });

    it('delete refuses before deleting anything: the digest does not match the manifest (exit 1)', async () => {
      const store = faultTagStore({ repo: 'app', tags: { '1.0.0': 'a', '2.0.0': 'b' }, lyingDigest: ['1.0.0'] });
      fault = await startFaultServer(store.routes);
      const r = await regx(['delete', `${fault.url}/app:1.0.0`, '--yes']);
      expectExit(r, 1);
      assert.match(r.stderr, /digest for app:1\.0\.0 .* does not match its manifest/);
      assert.equal(fault.requests({ method: 'DELETE' }).length, 0);
      assert.deepEqual(Object.keys(store.tags()).sort(), ['1.0.0', '2.0.0']);
    });

    it('prune: a 404 to deleting a wrong digest is a failure, never "already gone" (exit 1); every tag remains', async () => {
      const store = faultTagStore({ repo: 'app', tags: { '1.0.0': 'a', '2.0.0': 'b' }, lyingDigest: ['1.0.0'] });
      fault = await startFaultServer(store.routes);
      // Without the journal the plan resolves tags by HEAD, whose announced digest is the lie.
      const r = await regx(['prune', `${fault.url}/app`, '--semver', '<2.0.0', '--yes', '--json', '--no-journal']);
      expectExit(r, 1);
      const j = JSON.parse(r.stdout) as { deleted: string[]; alreadyGone: string[]; failed: { error: string }[] };
      assert.deepEqual(j.deleted, []);
      assert.deepEqual(j.alreadyGone, []);
      assert.match(j.failed[0]?.error ?? '', /digest for app:1\.0\.0 did not match/);
      assert.deepEqual(Object.keys(store.tags()).sort(), ['1.0.0', '2.0.0']);
    });

    it('prune with the undo journal reads each tag by GET: the digest is the manifest’s own, and the right image goes', async () => {
      const store = faultTagStore({ repo: 'app', tags: { '1.0.0': 'a', '2.0.0': 'b' }, lyingDigest: ['1.0.0'] });
      fault = await startFaultServer(store.routes);
      const r = await regx(['prune', `${fault.url}/app`, '--semver', '<2.0.0', '--yes', '--json']);
      expectExit(r, 0);
      const j = JSON.parse(r.stdout) as { deleted: string[]; failed: unknown[] };
      assert.deepEqual(j.deleted, [store.digests.a]);
      assert.deepEqual(j.failed, []);
      assert.deepEqual(Object.keys(store.tags()).sort(), ['2.0.0']);
    });

    it('digest prints the manifest’s own digest, and refuses when even the GET lies', async () => {
      const store = faultTagStore({ repo: 'app', tags: { '1.0.0': 'a' }, lyingDigest: ['1.0.0'] });
      fault = await startFaultServer(store.routes);
      const ok = await regx(['digest', `${fault.url}/app:1.0.0`]);
      expectExit(ok, 0);
      assert.equal(ok.stdout, `${store.digests.a}\n`);
      await fault.stop();
      const liar = faultTagStore({ repo: 'app', tags: { '1.0.0': 'a' }, lyingDigest: ['1.0.0'], lieOnGet: true });
      fault = await startFaultServer(liar.routes);
      const bad = await regx(['digest', `${fault.url}/app:1.0.0`]);
      expectExit(bad, 1);
      assert.match(bad.stderr, /does not match the digest it announced/);
    });
  });
});

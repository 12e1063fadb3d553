// Safety inside a real VS Code, against real registries: what changes while the user looks at a modal, platform
// images of multi-arch images that stay, tag lists that are not complete, and tags lost while deleting. Each checks
// the screen's words (the test hooks) and then the registry itself over raw HTTP.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DeleteOutcome, PruneOutcome } from '../../src/extension/commands';
import type { PromptRequest } from '../../src/extension/ui';
import { faultTagStore, startFaultServer, type FaultServer } from '../support/fault-server';
import { startHookProxy, type HookProxy } from '../support/proxy';
import { FULL_ACCEPT, pushImage, pushIndex, pushManifest } from '../support/seed';
import { answerWith, clearAnswers, headTag, messagesText, openRegistryInView, repositoryNode, setRegistries, tagNode, tagNodes, type TestApi } from './explorer-helpers';

/** Points `tag` at the image `digest` over raw HTTP, as another person (or a CI job) would. */
async function retag(url: string, repository: string, digest: string, tag: string): Promise<void> {
  const res = await fetch(`${url}/v2/${repository}/manifests/${digest}`, { headers: { accept: FULL_ACCEPT } });
  assert.equal(res.status, 200);
  await pushManifest({ url }, repository, tag, res.headers.get('content-type') ?? '', Buffer.from(await res.arrayBuffer()));
}

describe('Registry Explorer: safety', function () {
  this.timeout(90_000);
  let t: TestApi;
  let url: string;
  let host: string;

  before(async () => {
    ({ t, url, host } = await openRegistryInView());
  });

  afterEach(() => clearAnswers(t.hooks));

  describe('a tag pushed onto the image while the Delete Image modal is open', () => {
    const REPO = 'hosttest/race';

    it('is not deleted: the image stays, and the message names the tag', async () => {
      const img = await pushImage({ url }, REPO, ['1.0.0'], { salt: 'race-1.0.0' });
      t.tree.refresh();
      const node = await tagNode(t.tree, await repositoryNode(t.tree, host, REPO), '1.0.0');
      answerWith(t.hooks, {
        'delete.confirm': async () => {
          await retag(url, REPO, img.digest, 'hotfix'); // a rollback re-tags hotfix onto the old image
          return true;
        },
      });
      const outcome = await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', node);
      assert.deepEqual(outcome.deleted, []);
      assert.equal(outcome.skipped.length, 1);
      assert.match(outcome.skipped[0].reason, /hotfix now points at it/);
      assert.equal(await headTag(url, REPO, 'hotfix'), img.digest);
      assert.equal(await headTag(url, REPO, '1.0.0'), img.digest);
      const warning = t.hooks.messages.find((m) => m.severity === 'warning');
      assert.ok(warning, messagesText(t.hooks));
      assert.match(warning.message, /Nothing of sha256:\w+…\w+ was deleted: .*hotfix now points at it/);
      assert.ok(warning.buttons.includes('Review Again'));
    });

    it('with several tags selected, only the image that gained a tag stays; the others are deleted', async () => {
      const a = await pushImage({ url }, REPO, ['2.0.0'], { salt: 'race-2.0.0' });
      const b = await pushImage({ url }, REPO, ['2.1.0'], { salt: 'race-2.1.0' });
      const c = await pushImage({ url }, REPO, ['2.2.0'], { salt: 'race-2.2.0' });
      t.tree.refresh();
      const repo = await repositoryNode(t.tree, host, REPO);
      const nodes = await Promise.all(['2.0.0', '2.1.0', '2.2.0'].map((tag) => tagNode(t.tree, repo, tag)));
      answerWith(t.hooks, {
        'delete.confirm': async () => {
          await retag(url, REPO, b.digest, 'prod');
          return true;
        },
      });
      const outcome = await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', nodes[0], nodes);
      assert.deepEqual([...outcome.deleted].sort(), [`${host}/${REPO}@${a.digest}`, `${host}/${REPO}@${c.digest}`].sort());
      assert.deepEqual(outcome.skipped.map((s) => s.image), [`${host}/${REPO}@${b.digest}`]);
      assert.equal(await headTag(url, REPO, '2.0.0'), undefined);
      assert.equal(await headTag(url, REPO, '2.2.0'), undefined);
      assert.equal(await headTag(url, REPO, '2.1.0'), b.digest);
      assert.equal(await headTag(url, REPO, 'prod'), b.digest);
      assert.match(messagesText(t.hooks), /prod now points at it/);
    });
  });

  describe('platform images of a multi-arch image that stays', () => {
    const REPO = 'hosttest/platforms';
    let index: Awaited<ReturnType<typeof pushIndex>>;

    before(async () => {
      index = await pushIndex({ url }, REPO, ['latest'], { salt: 'host-platforms' });
      await retag(url, REPO, index.children[0].digest, '2.0.0-amd64');
      await retag(url, REPO, index.children[1].digest, '2.0.0-arm64');
    });

    it('Delete Image on one asks a second, explicit question; No keeps it and latest stays whole', async () => {
      t.tree.refresh();
      const node = await tagNode(t.tree, await repositoryNode(t.tree, host, REPO), '2.0.0-amd64');
      const state = answerWith(t.hooks, { 'delete.confirm': true, 'delete.breaksIndex': false });
      const outcome = await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', node);
      const breaks = state.asked.find((r) => r.id === 'delete.breaksIndex');
      assert.ok(breaks, `no second warning: ${state.asked.map((r) => r.id).join(', ')}`);
      assert.match(breaks.detail ?? '', new RegExp(`linux/amd64 image of ${REPO}:latest`));
      assert.deepEqual(outcome.deleted, []);
      assert.match(outcome.skipped[0]?.reason ?? '', /part of .*latest \(linux\/amd64\)/);
      assert.equal(await headTag(url, REPO, '2.0.0-amd64'), index.children[0].digest);
      assert.equal(await headTag(url, REPO, index.children[0].digest), index.children[0].digest, 'the platform manifest of latest is gone');
    });

    it('Prune never deletes them, and the preview says what they are part of', async () => {
      const repo = await repositoryNode(t.tree, host, REPO);
      let preview: readonly vscode.QuickPickItem[] = [];
      answerWith(t.hooks, {
        'prune.versioning': 'semver',
      'prune.range': '*',
        'prune.keep': '0',
        'prune.options': ['Include prereleases'],
        'prune.preview': (r: PromptRequest) => {
          preview = r.items!;
          return r.items!.filter((i) => i.picked);
        },
        'prune.confirm': true,
      });
      const outcome = await vscode.commands.executeCommand<PruneOutcome>('registryExplorer.pruneTags', repo);
      assert.deepEqual(outcome.plan.deleteDigests, []);
      const reasons = Object.fromEntries(outcome.plan.entries.map((e) => [e.tag, e.reason]));
      assert.equal(reasons['2.0.0-amd64'], `skip: part of ${REPO}:latest (linux/amd64)`);
      assert.equal(preview.length, 0, 'nothing to preview: the prune deletes nothing');
      for (const child of index.children) assert.equal(await headTag(url, REPO, child.digest), child.digest);
    });
  });

  describe('a tag list that is not complete', () => {
    let fault: FaultServer;
    const REPO = 'app';

    before(async () => {
      const store = faultTagStore({ repo: REPO, tags: { '1.0.0': 'a', latest: 'a', '0.9.0': 'b' } });
      // A reverse proxy that writes a next-page link no client can follow: the list ends after page one.
      const paged = store.routes.map((r) =>
        r.path === `/v2/${REPO}/tags/list`
          ? { ...r, respond: { status: 200, headers: { Link: '<http://internal.invalid:5000/elsewhere?last=1.0.0>; rel="next"' }, body: { name: REPO, tags: ['1.0.0', '0.9.0'] } } }
          : r,
      );
      fault = await startFaultServer([{ method: 'GET', path: '/v2/', respond: { status: 200, body: {} } }, ...paged]);
      await setRegistries([{ url }, { url: fault.url, repositories: [REPO] }]);
      t.tree.refresh();
    });
    after(async () => {
      await setRegistries([{ url }]);
      await fault?.stop();
    });

    it('is shown marked incomplete, and Delete Image refuses: latest on the unseen page shares the image', async () => {
      const repo = await repositoryNode(t.tree, fault.host, REPO);
      const kids = await t.tree.getChildren(repo);
      const note = kids.find((n) => n.kind === 'message');
      assert.ok(note && note.kind === 'message' && /incomplete/.test(note.message), JSON.stringify(kids));
      const node = (await tagNodes(t.tree, repo)).find((n) => n.tag === '1.0.0')!;
      answerWith(t.hooks, { 'delete.confirm': true });
      const outcome = await vscode.commands.executeCommand<DeleteOutcome | undefined>('registryExplorer.deleteImage', node);
      assert.equal(outcome, undefined, 'no modal may be shown for an incomplete list');
      assert.match(messagesText(t.hooks), /\[error\] Could not check what deleting would remove: the tag list of app is incomplete/);
      assert.equal(fault.requests({ method: 'DELETE' }).length, 0);
    });
  });

  describe('a tag moved onto an image while a prune deletes it', () => {
    const REPO = 'hosttest/lost';
    let proxy: HookProxy;

    after(async () => {
      await setRegistries([{ url }]);
      await proxy?.stop();
    });

    it('is reported lost, naming the tag', async () => {
      const old = await pushImage({ url }, REPO, ['1.0.0'], { salt: 'lost-1.0.0' });
      const stable = await pushImage({ url }, REPO, ['stable'], { salt: 'lost-stable' });
      proxy = await startHookProxy(url, async (req) => {
        if (req.method === 'DELETE' && req.nth === 1) await retag(url, REPO, old.digest, 'stable'); // CI re-tags stable
      });
      await setRegistries([{ url: proxy.url }]);
      t.tree.refresh();
      const repo = await repositoryNode(t.tree, proxy.host, REPO);
      answerWith(t.hooks, {
        'prune.versioning': 'semver',
      'prune.range': '*',
        'prune.keep': '0',
        'prune.options': [],
        'prune.preview': (r: PromptRequest) => r.items!.filter((i) => i.picked),
        'prune.confirm': true,
      });
      const outcome = await vscode.commands.executeCommand<PruneOutcome>('registryExplorer.pruneTags', repo);
      assert.deepEqual(outcome.result?.deleted, [old.digest]);
      assert.deepEqual(outcome.result?.lostTags, [{ tag: 'stable', digest: stable.digest }]);
      assert.match(messagesText(t.hooks), /\[error\] Tag stable of .*hosttest\/lost disappeared while deleting/);
      assert.equal(await headTag(url, REPO, 'stable'), undefined);
    });
  });
});

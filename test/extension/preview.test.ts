// The Cleanup Preview inside a real VS Code against real registries: Prune opens the panel (the webview renders the
// plan), a row opted out keeps the image it shares, the totals follow, Delete asks one confirmation in the future
// tense, the run's result stays in the panel; Cancel mid-run leaves the rest in the registry; untagged manifests
// (a fake ACR) are rows that can be kept the same way. The test answers 'prune.preview' with OPEN_PANEL to get the
// real panel, and drives it through its test API (src/extension/preview/types.ts) as the webview would.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PruneOutcome } from '../../src/extension/commands/prune';
import { OPEN_PANEL, type PreviewRequest } from '../../src/extension/preview/hook';
import type { Row } from '../../src/extension/preview/protocol';
import type { CleanupPreviewTestApi } from '../../src/extension/preview/types';
import type { PromptRequest } from '../../src/extension/ui';
import { startFakeAcr, type FakeAcr } from '../support/fake-acr';
import { startRegistry, type TestRegistry } from '../support/registry';
import { storedRepository } from '../support/registry-storage';
import { pushImage, pushManyTags } from '../support/seed';
import { answerWith, clearAnswers, headTag, hostOf, messagesText, openRegistryInView, registryTags, repositoryNode, setRegistries, until, type TestApi } from './explorer-helpers';

const row = (panel: CleanupPreviewTestApi, tag: string): Row => {
  const r = panel.rows().find((x) => x.tag === tag);
  assert.ok(r, `no row ${tag} (have ${panel.rows().map((x) => x.tag).join(', ')})`);
  return r;
};

interface Opened {
  panel: CleanupPreviewTestApi;
  running: Thenable<PruneOutcome>;
  confirms: PromptRequest[];
  unexpected: string[];
}

/** Runs Prune on `repo` with the answers given, and waits for the real panel to open. */
async function openPreview(t: TestApi, node: unknown, answers: Record<string, unknown>, confirm = true): Promise<Opened> {
  let panel: Promise<CleanupPreviewTestApi> | undefined;
  const confirms: PromptRequest[] = [];
  const state = answerWith(t.hooks, {
    'prune.versioning': 'semver',
    'prune.keep': '0',
    'prune.options': [],
    ...answers,
    'prune.preview': (r: PromptRequest) => {
      panel = (r as PreviewRequest).panel;
      return OPEN_PANEL;
    },
    'prune.confirm': (r: PromptRequest) => {
      confirms.push(r);
      return confirm;
    },
  });
  const running = vscode.commands.executeCommand<PruneOutcome>('registryExplorer.pruneTags', node);
  const api = await until(() => panel, 'the Cleanup Preview to open');
  return { panel: api, running, confirms, unexpected: state.unexpected };
}

describe('Registry Explorer: the Cleanup Preview', function () {
  this.timeout(90_000);
  let t: TestApi;
  let url: string;
  let host: string;

  before(async () => {
    ({ t, url, host } = await openRegistryInView());
  });
  afterEach(() => clearAnswers(t.hooks));

  describe('a plan with a shared image', () => {
    const REPO = 'hosttest/preview';
    const digests: Record<string, string> = {};

    before(async () => {
      for (const [tags, salt] of [
        [['1.0.0', '1.0.1'], 'pv-1.0'],
        [['1.2.0'], 'pv-1.2'],
        [['1.3.0'], 'pv-1.3'],
        [['2.0.0', 'latest'], 'pv-2.0'],
      ] as [string[], string][]) {
        const img = await pushImage({ url }, REPO, tags, { salt });
        for (const tag of tags) digests[tag] = img.digest;
      }
      t.tree.refresh();
    });

    it('opens for the plan, keeps an opted-out row and the image it shares, and deletes the rest after one confirmation', async () => {
      const node = await repositoryNode(t.tree, host, REPO);
      const { panel, running, confirms, unexpected } = await openPreview(t, node, { 'prune.range': '<2.0.0' });
      assert.equal(panel.title, `Cleanup Preview — ${host}/${REPO}`);

      // What the webview shows: every tag, and the button with the number of images.
      const first = await panel.rendered((r) => r.total === 6 && r.phase === 'preview');
      assert.equal(first.deleteLabel, 'Delete 3 images');
      assert.equal(first.deleteDisabled, false);
      assert.ok(first.rendered > 0 && first.rendered <= 6, `rendered ${first.rendered} rows`);
      assert.deepEqual(
        panel.rows().map((r) => [r.tag, r.fate, r.optional]),
        [
          ['2.0.0', 'keep', false],
          ['1.3.0', 'delete', true],
          ['1.2.0', 'delete', true],
          ['1.0.1', 'delete', true],
          ['1.0.0', 'delete', true],
          ['latest', 'keep', false],
        ],
      );
      // Reasons do not repeat the row's own tag, nor the fate (it has its own column).
      assert.equal(row(panel, '1.0.0').reason, 'matches <2.0.0');
      assert.equal(row(panel, 'latest').reason, 'protected by ^latest$');
      await until(() => (panel.rows().every((r) => r.size !== undefined && r.when !== undefined) ? true : undefined), 'the ages and sizes, read in the background');
      assert.match(row(panel, '1.0.0').age, /ago|just now/);
      const totals = panel.totals();
      assert.deepEqual([totals.delete.images, totals.delete.tags, totals.keep.images, totals.keep.tags, totals.skip.tags], [3, 4, 1, 2, 0]);
      assert.equal(totals.freedUnknown, 0);
      assert.match(totals.freedText, /^up to \d/);

      // Keep 1.0.0: 1.0.1 shares its image, so it stays too.
      await panel.post({ type: 'optOut', id: row(panel, '1.0.0').id, keep: true });
      assert.deepEqual([row(panel, '1.0.0').fate, row(panel, '1.0.0').optedOut, row(panel, '1.0.0').reason], ['keep', true, 'kept by choice']);
      assert.deepEqual([row(panel, '1.0.1').fate, row(panel, '1.0.1').optional], ['skip', false]);
      assert.equal(row(panel, '1.0.1').reason, 'shares its image with kept tag 1.0.0');
      assert.deepEqual([panel.totals().delete.images, panel.totals().delete.tags, panel.totals().skip.tags], [2, 2, 1]);
      await panel.rendered((r) => r.deleteLabel === 'Delete 2 images');
      // A kept row cannot be opted out; releasing 1.0.0 restores the plan, keeping it again takes it back.
      await panel.post({ type: 'optOut', id: row(panel, 'latest').id, keep: true });
      assert.equal(row(panel, 'latest').optedOut, false);
      await panel.post({ type: 'optOut', id: row(panel, '1.0.0').id, keep: false });
      assert.equal(panel.totals().delete.images, 3);
      await panel.post({ type: 'optOut', id: row(panel, '1.0.0').id, keep: true });

      await panel.post({ type: 'delete' });
      assert.equal(confirms.length, 1, 'one confirmation');
      assert.match(confirms[0].message, new RegExp(`^Delete 2 images \\(2 tags\\) from ${host}/${REPO}\\?$`));
      assert.match(confirms[0].detail ?? '', /2 images \(2 tags\) will be deleted; 3 tags will be kept and 1 tag skipped\./);
      assert.match(confirms[0].detail ?? '', /You can undo this from the result or from Recently Deleted\.\nUndo works while the registry still holds the image data: until its garbage collection runs\.$/);

      const outcome = await running;
      assert.deepEqual(unexpected, []);
      assert.deepEqual([...(outcome.result?.deleted ?? [])].sort(), [digests['1.2.0'], digests['1.3.0']].sort());
      for (const tag of ['1.2.0', '1.3.0']) assert.equal(await headTag(url, REPO, tag), undefined, `${tag} is gone`);
      for (const tag of ['1.0.0', '1.0.1', '2.0.0', 'latest']) assert.equal(await headTag(url, REPO, tag), digests[tag], `${tag} stays`);

      // The result stays in the panel.
      assert.equal(panel.phase(), 'done');
      assert.equal(panel.result()?.headline, 'Deleted 2 of 2 images (2 tags).');
      assert.deepEqual(panel.rows().filter((r) => r.status).map((r) => [r.tag, r.status]), [['1.3.0', 'deleted'], ['1.2.0', 'deleted']]);
      assert.equal(panel.progress()?.done, 2);
      await panel.rendered((r) => r.phase === 'done');
      assert.ok(!t.hooks.messages.some((m) => m.message.startsWith('Pruned')), `the panel holds the result, no toast: ${messagesText(t.hooks)}`);
      panel.close();
    });

    it('closing the panel before deleting deletes nothing, and Prune again replaces the open one', async () => {
      const node = await repositoryNode(t.tree, host, REPO);
      const a = await openPreview(t, node, { 'prune.range': '<2.0.0' });
      await a.panel.rendered((r) => r.total === 4);
      assert.equal(row(a.panel, '2.0.0').fate, 'keep', 'outside <2.0.0');
      const b = await openPreview(t, node, { 'prune.range': '<3.0.0' });
      assert.equal((await a.running).result, undefined, 'the replaced preview ran nothing');
      assert.equal(row(b.panel, '2.0.0').fate, 'skip', 'the plan of the second prune: 2.0.0 is in range, and shares with latest');
      const shown = await b.panel.rendered((r) => r.phase === 'preview' && r.deleteLabel === 'Delete 1 image');
      assert.equal(shown.total, 4);
      b.panel.close();
      assert.equal((await b.running).result, undefined);
      assert.deepEqual(b.confirms, []);
      for (const tag of ['1.0.0', '1.0.1']) assert.equal(await headTag(url, REPO, tag), digests[tag]);
    });
  });

  it('Cancel mid-run stops new deletes; the rest stay in the registry and the panel says which', async () => {
    const REPO = 'hosttest/preview-cancel';
    const pushed = await pushManyTags({ url }, REPO, 40, { distinctDigests: true });
    t.tree.refresh();
    const node = await repositoryNode(t.tree, host, REPO);
    const { panel, running } = await openPreview(t, node, { 'prune.range': '*' });
    await panel.rendered((r) => r.total === 40 && r.deleteLabel === 'Delete 40 images');
    let cancelled = false;
    const sub = panel.onChange(() => {
      if (!cancelled && (panel.progress()?.deleted ?? 0) >= 3) {
        cancelled = true;
        void panel.post({ type: 'cancel' });
      }
    });
    await panel.post({ type: 'delete' });
    sub.dispose();
    const outcome = await running;
    const r = outcome.result!;
    assert.equal(r.cancelled, true);
    assert.ok(r.deleted.length >= 3 && r.deleted.length < 40, `deleted ${r.deleted.length}`);
    assert.equal(r.deleted.length + r.skipped.length + r.failed.length, 40);
    assert.ok(r.skipped.every((s) => s.reason === 'not started: cancelled'), JSON.stringify(r.skipped.slice(0, 2)));
    const left = await registryTags(url, REPO);
    const gone = new Set(r.deleted);
    assert.deepEqual(left, pushed.tags.filter((tag) => !gone.has(pushed.digests[tag])).sort(), 'the registry keeps every tag not deleted');
    assert.match(panel.result()?.lines.join(' ') ?? '', /Cancelled: the images not yet started were left as they are/);
    assert.deepEqual(panel.result()?.skipped.map((g) => [g.text, g.items.length]), [['not started: cancelled', r.skipped.length]]);
    const statuses = new Set(panel.rows().map((x) => x.status));
    assert.deepEqual([...statuses].sort(), ['deleted', 'skipped']);
    panel.close();
  });

  it('closing the tab while deleting does not stop the run: it finishes and a notification says how it went', async () => {
    const REPO = 'hosttest/preview-close';
    await pushManyTags({ url }, REPO, 20, { distinctDigests: true });
    t.tree.refresh();
    const node = await repositoryNode(t.tree, host, REPO);
    const { panel, running } = await openPreview(t, node, { 'prune.range': '*' });
    await panel.rendered((r) => r.total === 20);
    let closed = false;
    const sub = panel.onChange(() => {
      if (!closed && panel.phase() === 'deleting') {
        closed = true;
        panel.close();
      }
    });
    await panel.post({ type: 'delete' });
    sub.dispose();
    const outcome = await running;
    assert.ok(closed, 'the tab was closed during the run');
    assert.equal(outcome.result?.deleted.length, 20, 'the run went on to the end');
    assert.deepEqual(await registryTags(url, REPO), []);
    const summary = t.hooks.messages.find((m) => m.message.startsWith(`Pruned ${host}/${REPO}`));
    assert.ok(summary, `a notification tells the result: ${messagesText(t.hooks)}`);
    assert.match(summary.message, /20 deleted, 0 skipped, 0 failed/);
  });

  describe('untagged manifests (fake ACR)', () => {
    const ADMIN = { username: 'acr-admin', password: 'admin-pw-host-preview-3' };
    let reg: TestRegistry;
    let acr: FakeAcr;
    let acrHost: string;

    before(async () => {
      reg = await startRegistry({ auth: 'none' });
      await pushImage(reg, 'svc', ['1.0.0'], { salt: 'pv-acr-1.0.0' });
      await pushImage(reg, 'svc', ['2.0.0', 'latest'], { salt: 'pv-acr-2.0.0' });
      await pushImage(reg, 'svc', [], { salt: 'pv-acr-orphan-a' });
      await pushImage(reg, 'svc', [], { salt: 'pv-acr-orphan-b' });
      acr = await startFakeAcr({ registry: reg, users: [ADMIN] });
      acrHost = hostOf(acr.url);
      await t.credentials.set(acrHost, ADMIN);
      await setRegistries([{ url }, { url: acr.url, username: ADMIN.username }]);
      t.tree.refresh();
    });
    after(async () => {
      await setRegistries([{ url }]);
      await t.credentials.delete(acrHost);
      await acr?.stop();
      await reg?.stop();
    });

    it('are rows with the provider’s sizes, and one kept by choice stays', async () => {
      const node = await repositoryNode(t.tree, acrHost, 'svc');
      const { panel, running } = await openPreview(t, node, { 'prune.range': '<2.0.0', 'prune.options': ['Also delete untagged manifests'] });
      await panel.rendered((r) => r.total === 5);
      const untagged = panel.rows().filter((r) => r.tag === undefined);
      assert.equal(untagged.length, 2);
      assert.ok(untagged.every((r) => r.fate === 'delete' && r.optional && r.size !== undefined && r.reason === 'untagged'), JSON.stringify(untagged));
      assert.deepEqual([panel.totals().delete.images, panel.totals().delete.untagged], [3, 2]);
      const [keep, drop] = untagged;
      await panel.post({ type: 'optOut', id: keep.id, keep: true });
      assert.deepEqual([panel.rows()[keep.id].fate, panel.rows()[keep.id].reason], ['keep', 'kept by choice']);
      assert.deepEqual([panel.totals().delete.images, panel.totals().delete.untagged], [2, 1]);
      await panel.post({ type: 'delete' });
      const outcome = await running;
      assert.deepEqual([...(outcome.result?.deleted ?? [])].sort(), [drop.digest, row(panel, '1.0.0').digest].sort());
      const stored = storedRepository(reg.dataDir, 'svc').manifests.map((m) => m.digest);
      assert.ok(stored.includes(keep.digest!), 'the untagged manifest kept by choice is still stored');
      assert.ok(!stored.includes(drop.digest!), 'the other one is gone');
      assert.equal(panel.rows()[keep.id].status, undefined, 'a kept row is no part of the run');
      panel.close();
    });
  });
});

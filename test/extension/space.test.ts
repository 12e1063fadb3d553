// The space a cleanup frees, in a real VS Code against a real registry: images built here from layers of known sizes
// (a base layer shared by every image, one layer of its own each), so the figure expected is worked out by hand —
// the manifest, config and own layer of each deleted image, never the base that a kept image still uses. The Delete
// Image modal says it; the Cleanup Preview's totals say it and count again when a row is kept.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DeleteOutcome } from '../../src/extension/commands';
import type { PruneOutcome } from '../../src/extension/commands/prune';
import { OPEN_PANEL, type PreviewRequest } from '../../src/extension/preview/hook';
import type { CleanupPreviewTestApi } from '../../src/extension/preview/types';
import type { PromptRequest } from '../../src/extension/ui';
import { formatSize } from '../../src/registry/format';
import { startRegistry, type TestRegistry } from '../support/registry';
import { blobsOf, bytesOf, layerOfSize, pushLayeredImage, type LayeredImage } from '../support/seed-layers';
import { answerWith, clearAnswers, explorerApi, hostOf, repositoryNode, setRegistries, tagNode, type TestApi } from './explorer-helpers';

const MB = 1024 * 1024;

/** What deleting `image` alone frees when every other image stays: all of it but the shared base. */
function ownBytes(image: LayeredImage, base: number): number {
  return bytesOf(blobsOf(image).filter((b) => b.size !== base));
}

describe('Registry Explorer: the space a cleanup frees', function () {
  this.timeout(90_000);
  let t: TestApi;
  let reg: TestRegistry;
  let host: string;
  const images: Record<string, LayeredImage> = {};
  const BASE = 3 * MB;

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    const base = layerOfSize(BASE, 'space-base');
    // Own layers of different sizes, so a figure that counted the wrong image could not match.
    for (const [tags, own, salt] of [
      [['1.0.0'], 1 * MB, 'space-1.0'],
      [['1.1.0'], 2 * MB + 5, 'space-1.1'],
      [['2.0.0', 'latest'], 512 * 1024, 'space-2.0'],
    ] as [string[], number, string][]) {
      images[tags[0]] = await pushLayeredImage(reg, 'layered', tags, [base, layerOfSize(own, salt)], salt);
    }
    host = hostOf(reg.url);
    t = await explorerApi();
    await setRegistries([{ url: reg.url }]);
    t.tree.refresh();
  });
  afterEach(() => clearAnswers(t.hooks));
  after(async () => {
    await setRegistries([]);
    await reg?.stop();
  });

  it('the Cleanup Preview totals the space the plan frees, counted from the manifests, and count again when a row is kept', async () => {
    const node = await repositoryNode(t.tree, host, 'layered');
    let opened: Promise<CleanupPreviewTestApi> | undefined;
    answerWith(t.hooks, {
      'prune.versioning': 'semver',
      'prune.range': '<2.0.0',
      'prune.keep': '0',
      'prune.options': [],
      'prune.preview': (r: PromptRequest) => {
        opened = (r as PreviewRequest).panel;
        return OPEN_PANEL;
      },
      'prune.confirm': false,
    });
    const running = vscode.commands.executeCommand<PruneOutcome>('registryExplorer.pruneTags', node);
    const deadline = Date.now() + 30_000;
    while (!opened && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(opened, 'the Cleanup Preview opened');
    const panel = await opened;
    await panel.rendered((r) => r.total === 4 && r.phase === 'preview');

    // 1.0.0 and 1.1.0 go; 2.0.0 keeps the base layer: their manifests, configs and own layers, nothing of the base.
    const both = ownBytes(images['1.0.0'], BASE) + ownBytes(images['1.1.0'], BASE);
    let totals = panel.totals();
    assert.equal(totals.freedBytes, both);
    assert.equal(totals.freedText, `up to ${formatSize(both)}`);
    assert.match(totals.freedNote, /Counted from the manifests/);
    assert.match(totals.freedNote, /garbage collection/);
    assert.match(totals.summary, new RegExp(`Space freed: up to ${formatSize(both).replace('.', '\\.')}`));

    // Keeping 1.0.0 takes its share out at once.
    const row = panel.rows().find((r) => r.tag === '1.0.0');
    assert.ok(row);
    await panel.post({ type: 'optOut', id: row.id, keep: true });
    totals = panel.totals();
    assert.equal(totals.freedBytes, ownBytes(images['1.1.0'], BASE));

    panel.close();
    await running;
  });

  it('the Delete Image modal says how much the image frees after garbage collection', async () => {
    const repo = await repositoryNode(t.tree, host, 'layered');
    const state = answerWith(t.hooks, { 'delete.confirm': false });
    const outcome = await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', await tagNode(t.tree, repo, '1.1.0'));
    assert.equal(outcome.deleted.length, 0, 'cancelled: nothing deleted');
    const expected = formatSize(ownBytes(images['1.1.0'], BASE));
    assert.match(state.asked[0].detail ?? '', new RegExp(`It frees up to ${expected.replace('.', '\\.')} after garbage collection \\(layers other repositories share are counted too\\)\\.`));
  });

  it('deleting every image of the base frees the base too', async () => {
    const repo = await repositoryNode(t.tree, host, 'layered');
    const state = answerWith(t.hooks, { 'delete.confirm': false });
    const tags = await Promise.all(['1.0.0', '1.1.0', '2.0.0'].map((tag) => tagNode(t.tree, repo, tag)));
    await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', tags[0], tags);
    const all = bytesOf(Object.values(images).flatMap(blobsOf));
    assert.ok(all > BASE);
    assert.match(state.asked[0].detail ?? '', new RegExp(`It frees up to ${formatSize(all).replace('.', '\\.')} after garbage collection`));
  });
});

// Prune Tags by Semver… end to end inside a real VS Code against a real registry: the questions, the preview
// (deletes pre-checked, skips and keeps with their reason), the confirm with counts, the deletes, the summary.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PruneOutcome } from '../../src/extension/commands/prune';
import type { PromptRequest } from '../../src/extension/ui';
import { pushImage } from '../support/seed';
import { testRegistry } from './config';
import { answerWith, clearAnswers, explorerApi, headTag, hostOf, messagesText, repositoryNode, setRegistries, type TestApi } from './explorer-helpers';

const REPO = 'hosttest/prune';

type Item = vscode.QuickPickItem;

describe('Registry Explorer: Prune Tags by Semver…', function () {
  this.timeout(90_000);
  let t: TestApi;
  let url: string;
  let host: string;
  const digests: Record<string, string> = {};

  before(async () => {
    url = testRegistry('open').url;
    host = hostOf(url);
    const target = { url };
    for (const [tags, salt] of [
      [['1.0.0'], 'p1.0.0'],
      [['1.1.0'], 'p1.1.0'],
      [['1.2.0', 'stable'], 'p1.2.0'],
      [['1.3.0-rc.1'], 'p1.3.0-rc.1'],
      [['2.0.0', 'latest'], 'p2.0.0'],
    ] as [string[], string][]) {
      const img = await pushImage(target, REPO, tags, { salt });
      for (const tag of tags) digests[tag] = img.digest;
    }
    t = await explorerApi();
    await setRegistries([{ url }]);
    t.tree.refresh();
  });

  afterEach(() => clearAnswers(t.hooks));

  async function stillThere(tags: string[]): Promise<void> {
    for (const tag of tags) assert.equal(await headTag(url, REPO, tag), digests[tag], `${tag} should still be there`);
  }

  it('validates the range as you type', async () => {
    const repo = await repositoryNode(t.tree, host, REPO);
    let rangePrompt: PromptRequest | undefined;
    answerWith(t.hooks, {
      'prune.versioning': 'semver',
      'prune.range': (r: PromptRequest) => {
        rangePrompt = r;
        return undefined; // Escape
      },
    });
    const outcome = await vscode.commands.executeCommand<PruneOutcome | undefined>('registryExplorer.pruneTags', repo);
    assert.equal(outcome, undefined);
    assert.ok(rangePrompt?.validate);
    assert.match(rangePrompt.validate('banana') ?? '', /not a semver range/);
    assert.ok(rangePrompt.validate(''));
    assert.equal(rangePrompt.validate('<2.0.0'), undefined);
    assert.equal(rangePrompt.validate('1.x'), undefined);
  });

  it('Cancel at the confirm deletes nothing', async () => {
    const repo = await repositoryNode(t.tree, host, REPO);
    const state = answerWith(t.hooks, {
      'prune.versioning': 'semver',
      'prune.range': '<2.0.0',
      'prune.keep': '0',
      'prune.options': [],
      'prune.preview': (r: PromptRequest) => r.items!.filter((i) => i.picked),
      'prune.confirm': false,
    });
    const outcome = await vscode.commands.executeCommand<PruneOutcome>('registryExplorer.pruneTags', repo);
    assert.deepEqual(state.unexpected, []);
    assert.equal(outcome.result, undefined);
    await stillThere(Object.keys(digests));
  });

  it('previews every tag with its fate, keeps what the user unchecks, deletes after the confirm, and summarises', async () => {
    const repo = await repositoryNode(t.tree, host, REPO);
    let preview: readonly Item[] = [];
    const state = answerWith(t.hooks, {
      'prune.versioning': 'semver',
      'prune.range': '<2.0.0',
      'prune.keep': '0',
      'prune.options': [],
      'prune.preview': (r: PromptRequest) => {
        preview = r.items!;
        // The user unchecks 1.1.0.
        return r.items!.filter((i) => i.picked && i.label !== '1.1.0');
      },
      'prune.confirm': true,
    });
    const outcome = await vscode.commands.executeCommand<PruneOutcome>('registryExplorer.pruneTags', repo);
    assert.deepEqual(state.unexpected, []);

    const byTag = new Map(preview.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator).map((i) => [i.label, i]));
    assert.deepEqual([...byTag.keys()].sort(), ['1.0.0', '1.1.0', '1.2.0', '1.3.0-rc.1', '2.0.0', 'latest', 'stable']);
    assert.equal(byTag.get('1.0.0')?.picked, true);
    assert.equal(byTag.get('1.1.0')?.picked, true);
    assert.equal(byTag.get('1.2.0')?.picked, false);
    assert.match(byTag.get('1.2.0')?.description ?? '', /shares its image with kept tag stable/);
    assert.match(byTag.get('latest')?.description ?? '', /protected/);
    assert.match(byTag.get('1.3.0-rc.1')?.description ?? '', /prerelease/);
    assert.match(byTag.get('2.0.0')?.description ?? '', /outside/);

    const confirm = state.asked.find((r) => r.id === 'prune.confirm');
    assert.match(confirm?.message ?? '', /Delete 1 image \(1 tag\) from .*hosttest\/prune\?/);

    assert.ok(outcome.result, 'nothing was executed');
    assert.deepEqual(outcome.result.deleted, [digests['1.0.0']]);
    assert.equal(outcome.result.failed.length, 0);
    assert.equal(await headTag(url, REPO, '1.0.0'), undefined);
    await stillThere(['1.1.0', '1.2.0', 'stable', '1.3.0-rc.1', '2.0.0', 'latest']);

    const summary = t.hooks.messages.find((m) => m.message.startsWith('Pruned'));
    assert.ok(summary, messagesText(t.hooks));
    assert.match(summary.message, /1 deleted, 0 skipped, 0 failed/);
    assert.ok(summary.buttons.includes('Show Log'));
  });

  it('keeps the N newest, includes prereleases when asked, and deletes what is left in range', async () => {
    const repo = await repositoryNode(t.tree, host, REPO);
    const state = answerWith(t.hooks, {
      'prune.versioning': 'semver',
      'prune.range': '<2.0.0',
      'prune.keep': '1',
      'prune.keepPer': 'In the whole range',
      'prune.options': ['Include prereleases'],
      'prune.preview': (r: PromptRequest) => r.items!.filter((i) => i.picked),
      'prune.confirm': true,
    });
    const outcome = await vscode.commands.executeCommand<PruneOutcome>('registryExplorer.pruneTags', repo);
    assert.deepEqual(state.unexpected, []);
    // 1.3.0-rc.1 is the newest in range (kept); 1.2.0 shares with stable (skipped); 1.1.0 goes.
    assert.deepEqual(outcome.result?.deleted, [digests['1.1.0']]);
    assert.equal(await headTag(url, REPO, '1.1.0'), undefined);
    await stillThere(['1.2.0', 'stable', '1.3.0-rc.1', '2.0.0', 'latest']);
  });
});

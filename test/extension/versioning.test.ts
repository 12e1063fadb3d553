// Versioning in a real VS Code against a real registry seeded with a python-like repository: the prune wizard offers
// docker versioning there (one line, not a modal), prunes by it, and the tree sorts by the registryExplorer.versioning
// setting (3.10 above 3.9, variants together).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PruneOutcome } from '../../src/extension/commands';
import type { PromptRequest } from '../../src/extension/ui';
import { sortTags } from '../../src/prune/versions';
import { PYTHON_LIKE_TAGS, pushPythonLike } from '../support/seed';
import { testRegistry } from './config';
import { answerWith, clearAnswers, explorerApi, headTag, hostOf, repositoryNode, setRegistries, setSetting, tagNodes, type TestApi } from './explorer-helpers';

const REPO = 'hosttest/python';

describe('Registry Explorer: versioning', function () {
  this.timeout(90_000);
  let t: TestApi;
  let url: string;
  let host: string;
  let digests: Record<string, string>;

  before(async () => {
    url = testRegistry('open').url;
    host = hostOf(url);
    digests = await pushPythonLike({ url }, REPO);
    t = await explorerApi();
    await setRegistries([{ url }]);
    t.tree.refresh();
  });
  afterEach(() => clearAnswers(t.hooks));
  after(async () => {
    await setSetting('versioning', undefined);
  });

  it('the prune wizard offers docker versioning for these tags, and prunes by it', async () => {
    const repo = await repositoryNode(t.tree, host, REPO);
    let asked: PromptRequest | undefined;
    let picked: string[] = [];
    const state = answerWith(t.hooks, {
      'prune.versioning': (r: PromptRequest) => {
        asked = r;
        return 'docker';
      },
      'prune.range': '<3.11',
      'prune.keep': '1',
      'prune.keepPer': 'Of each variant and precision',
      'prune.options': [],
      'prune.preview': (r: PromptRequest) => {
        const items = r.items!.filter((i) => i.picked);
        picked = items.map((i) => i.label);
        return items;
      },
      'prune.confirm': true,
    });
    const outcome = await vscode.commands.executeCommand<PruneOutcome>('registryExplorer.pruneTags', repo);
    assert.deepEqual(state.unexpected, []);
    assert.match(asked?.message ?? '', /^Suggested: docker versioning — \d+ of 12 version tags \(like .*\) are not semver/);
    assert.equal(asked?.items?.[0].label, 'semver', 'the setting stays first: the suggestion is offered, not imposed');
    assert.equal(asked?.items?.find((i) => i.label === 'docker')?.description, `suggested for ${REPO}`);
    assert.deepEqual(picked, ['3.9.18', '3.9']);
    assert.deepEqual([...(outcome.result?.deleted ?? [])].sort(), [digests['3.9'], digests['3.9.18']].sort());
    for (const tag of PYTHON_LIKE_TAGS) assert.equal(await headTag(url, REPO, tag), ['3.9', '3.9.18'].includes(tag) ? undefined : digests[tag], tag);
  });

  it('sorts the tree by registryExplorer.versioning: docker puts 3.10 above 3.9 and groups the variants', async () => {
    await setSetting('versioning', 'docker');
    t.tree.refresh(); // the configuration event may come after update() resolves
    const shown = (await tagNodes(t.tree, await repositoryNode(t.tree, host, REPO))).map((n) => n.tag);
    const left = PYTHON_LIKE_TAGS.filter((tag) => tag !== '3.9' && tag !== '3.9.18');
    assert.deepEqual(shown, sortTags(left, 'semver', 'docker'));
    assert.deepEqual(shown.slice(0, 5), ['20.04', '3.11.6', '3.11', '3.10.13', '3.10']);
  });
});

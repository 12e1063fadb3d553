// Retention policy files in the editor, inside a real VS Code against a real registry: the CodeLenses Preview and
// Apply on the `rules:` line, diagnostics naming the line and the field as you type, Preview of a policy over two
// repositories in one Cleanup Preview grouped by repository (exact fates, an opted-out row keeps its image), a tag
// the workspace deploys kept with its file and line, a policy with problems reading nothing, and Apply asking its one
// confirmation at once and deleting exactly what was planned. The registry is checked over plain HTTP.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PolicyOutcome } from '../../src/extension/policy';
import { OPEN_PANEL, type PreviewRequest } from '../../src/extension/preview/hook';
import type { Row } from '../../src/extension/preview/protocol';
import type { CleanupPreviewTestApi } from '../../src/extension/preview/types';
import type { PromptRequest } from '../../src/extension/ui';
import { startHookProxy } from '../support/proxy';
import { pushImage } from '../support/seed';
import { answerWith, clearAnswers, headTag, messagesText, openRegistryInView, registryTags, setRegistries, until, type TestApi } from './explorer-helpers';

function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test window has a workspace');
  return folder.uri;
}

/** Writes `text` to `name` in the workspace's policytest folder. */
async function writePolicy(name: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceFolder(), 'policytest', name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  return uri;
}

const ours = (lenses: vscode.CodeLens[]) => lenses.filter((l) => l.command?.command.startsWith('registryExplorer.'));

describe('Registry Explorer: retention policy files', function () {
  this.timeout(120_000);
  let t: TestApi;
  let url: string;
  let host: string;

  before(async () => {
    ({ t, url, host } = await openRegistryInView());
  });
  afterEach(() => clearAnswers(t.hooks));
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceFolder(), 'policytest'), { recursive: true }).then(undefined, () => undefined);
  });

  it('puts Preview and Apply on the rules: line of a policy file, on line 1 of a broken one, and none on another YAML file', async () => {
    const good = await writePolicy('lens.registry-retention.yaml', `# a policy\n\nrules:\n  - registry: ${host}\n    repositories: [app]\n    semver: "<1.0.0"\n`);
    await vscode.window.showTextDocument(good);
    const lenses = await until(async () => {
      const found = ours((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', good)) ?? []);
      return found.length ? found : undefined;
    }, 'the CodeLenses');
    assert.deepEqual(lenses.map((l) => [l.command?.title, l.command?.command, l.range.start.line]), [
      ['Preview', 'registryExplorer.previewPolicy', 2],
      ['Apply', 'registryExplorer.applyPolicy', 2],
    ]);
    assert.equal(String(lenses[0].command?.arguments?.[0]), String(good), 'the lens gives its file');

    const broken = await writePolicy('registry-retention.json', '{ "rulez": [\n');
    await vscode.workspace.openTextDocument(broken);
    const brokenLenses = ours((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', broken)) ?? []);
    assert.deepEqual(brokenLenses.map((l) => [l.command?.title, l.range.start.line]), [['Preview', 0], ['Apply', 0]]);

    const other = await writePolicy('compose.yaml', 'rules:\n  - a\n');
    await vscode.workspace.openTextDocument(other);
    assert.deepEqual(ours((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', other)) ?? []), []);
  });

  it('shows a diagnostic naming the line and the field as the file is edited, and clears it once fixed', async () => {
    const uri = await writePolicy('typo.registry-retention.yaml', `rules:\n  - registry: ${host}\n    repositories: [app]\n    semver: "<1.0.0"\n    keep: 1\n    keep_per: major\n`);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const ownDiagnostics = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Registry Explorer');
    const [bad] = await until(() => (ownDiagnostics().length ? ownDiagnostics() : undefined), 'the diagnostic of keep_per');
    assert.equal(bad.range.start.line, 5, 'on the line of keep_per (0-based 5)');
    assert.equal(bad.severity, vscode.DiagnosticSeverity.Error);
    assert.match(bad.message, /^rules\[0\]\.keep_per: unknown key "keep_per" \(did you mean keepPer\?\).*Rename it to keepPer\.$/);

    // Typing the fix (unsaved) clears it after the debounce; a new mistake shows where it is.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(5, 4, 5, 12), 'keepPer');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await until(() => (ownDiagnostics().length === 0 ? true : undefined), 'the diagnostic to clear');
    const edit2 = new vscode.WorkspaceEdit();
    edit2.replace(uri, new vscode.Range(3, 12, 3, 20), '"banana"');
    assert.ok(await vscode.workspace.applyEdit(edit2));
    const [range] = await until(() => (ownDiagnostics().length ? ownDiagnostics() : undefined), 'the diagnostic of semver');
    assert.equal(range.range.start.line, 3);
    assert.match(range.message, /^rules\[0\]\.semver: /);
  });

  it('from the palette: takes the active editor’s policy with its unsaved edits; without one, names the file it looked for and offers to create it', async () => {
    const uri = await writePolicy('palette.registry-retention.yaml', `rules:\n  - registry: ${host}\n    repositories: [policytest/none]\n    semver: "<1.0.0"\n`);
    const editor = await vscode.window.showTextDocument(uri);
    assert.ok(await editor.edit((b) => b.replace(new vscode.Range(3, 4, 3, 10), 'semvar')), 'an unsaved typo');
    answerWith(t.hooks, {});
    const outcome = await vscode.commands.executeCommand<PolicyOutcome>('registryExplorer.previewPolicy');
    assert.equal(outcome.file, 'policytest/palette.registry-retention.yaml');
    // The typo is unknown, and the rule now lacks its semver: both, from the editor's text.
    assert.deepEqual(outcome.problems.map((p) => [p.line, p.field]), [[2, 'rules[0].semver'], [4, 'rules[0].semvar']]);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    clearAnswers(t.hooks);
    const none = await vscode.commands.executeCommand<PolicyOutcome | undefined>('registryExplorer.applyPolicy');
    assert.equal(none, undefined);
    const [error] = t.hooks.messages;
    assert.equal(error?.severity, 'error', messagesText(t.hooks));
    const looked = vscode.Uri.joinPath(workspaceFolder(), 'registry-retention.yaml').fsPath;
    assert.equal(error.message, `No retention policy: ${looked} does not exist. Open a policy file, or create one.`);
    assert.deepEqual(error.buttons, ['Create registry-retention.yaml']);
  });

  it('a rule whose registry is not in the Registries view is a problem for that rule, with the fix', async () => {
    const uri = await writePolicy('unknown.registry-retention.yaml', `rules:\n  - registry: 127.0.0.1:9\n    repositories: [app]\n    semver: "<1.0.0"\n`);
    answerWith(t.hooks, {});
    const outcome = await vscode.commands.executeCommand<PolicyOutcome>('registryExplorer.previewPolicy', uri);
    assert.deepEqual(outcome.plan?.registryProblems.map((p) => [p.registry, p.lines, p.error.message, p.error.fix]), [['127.0.0.1:9', [2], '127.0.0.1:9 is not in the Registries view', 'Add it with Add Registry… first.']]);
    const warning = t.hooks.messages.find((m) => m.severity === 'warning');
    assert.ok(warning, messagesText(t.hooks));
    assert.match(warning.message, /^Nothing to delete in policytest\/unknown\.registry-retention\.yaml: 0 repositories planned.*Could not read 127\.0\.0\.1:9 \(the rule on line 2\): 127\.0\.0\.1:9 is not in the Registries view\. Add it with Add Registry… first\.$/);
  });

  describe('Preview over two repositories', () => {
    const A = 'policytest/grouped-a';
    const B = 'policytest/grouped-b';
    const digests: Record<string, string> = {};

    before(async () => {
      for (const [repo, tags, salt] of [
        [A, ['1.0.0'], 'pol-a-1.0.0'],
        [A, ['1.1.0'], 'pol-a-1.1.0'],
        [A, ['2.0.0'], 'pol-a-2.0.0'],
        [B, ['1.0.0'], 'pol-b-1.0.0'],
        [B, ['1.2.0'], 'pol-b-1.2.0'],
        [B, ['3.0.0', 'latest'], 'pol-b-3.0.0'],
      ] as [string, string[], string][]) {
        const img = await pushImage({ url }, repo, tags, { salt });
        for (const tag of tags) digests[`${repo}:${tag}`] = img.digest;
      }
    });

    it('groups the rows by repository with the exact fates; a row kept there keeps its image after one confirmation', async () => {
      const uri = await writePolicy('grouped.registry-retention.yaml', `rules:\n  - registry: ${host}\n    repositories: ["policytest/grouped-*"]\n    semver: "<2.0.0"\n`);
      let panel: Promise<CleanupPreviewTestApi> | undefined;
      const confirms: PromptRequest[] = [];
      const state = answerWith(t.hooks, {
        'policy.preview': (r: PromptRequest) => {
          panel = (r as PreviewRequest).panel;
          return OPEN_PANEL;
        },
        'policy.confirm': (r: PromptRequest) => {
          confirms.push(r);
          return true;
        },
      });
      const running = vscode.commands.executeCommand<PolicyOutcome>('registryExplorer.previewPolicy', uri);
      const api = await until(() => panel, 'the Cleanup Preview to open');
      assert.equal(api.title, 'Cleanup Preview — policytest/grouped.registry-retention.yaml');
      assert.deepEqual(api.groups().map((g) => [g.where, g.rule]), [
        [`${host}/${A}`, 'rule 1 (line 2): range <2.0.0'],
        [`${host}/${B}`, 'rule 1 (line 2): range <2.0.0'],
      ]);
      const fates = (group: number) => api.rows().filter((r) => r.group === group).map((r) => [r.tag, r.fate]).sort();
      assert.deepEqual(fates(0), [['1.0.0', 'delete'], ['1.1.0', 'delete'], ['2.0.0', 'keep']]);
      assert.deepEqual(fates(1), [['1.0.0', 'delete'], ['1.2.0', 'delete'], ['3.0.0', 'keep'], ['latest', 'keep']]);
      const shown = await api.rendered((r) => r.total === 7 && r.headers === 2);
      assert.equal(shown.deleteLabel, 'Delete 4 images');
      assert.match(api.groups()[0].summary, /^delete 2 images \(2 tags\) · keep 1 tag/);
      assert.deepEqual([api.totals().delete.images, api.totals().keep.tags], [4, 3]);

      // Keep grouped-a:1.1.0: only that repository is planned again.
      const keep = api.rows().find((r: Row) => r.group === 0 && r.tag === '1.1.0')!;
      await api.post({ type: 'optOut', id: keep.id, keep: true });
      assert.deepEqual([api.rows()[keep.id].fate, api.rows()[keep.id].reason], ['keep', 'kept by choice']);
      assert.deepEqual(fates(1), [['1.0.0', 'delete'], ['1.2.0', 'delete'], ['3.0.0', 'keep'], ['latest', 'keep']]);
      await api.rendered((r) => r.deleteLabel === 'Delete 3 images');

      await api.post({ type: 'delete' });
      assert.equal(confirms.length, 1, 'one confirmation');
      assert.equal(confirms[0].message, 'Delete 3 images (3 tags) from 2 repositories?');
      assert.match(confirms[0].detail ?? '', new RegExp(`^${host}/${A}: 1 image \\(1 tag\\)\\n${host}/${B}: 2 images \\(2 tags\\)\\n`));
      assert.match(confirms[0].detail ?? '', /You can undo this from the result or from Recently Deleted\.\nUndo works while the registry still holds the image data: until its garbage collection runs\.$/);
      const outcome = await running;
      assert.deepEqual(state.unexpected, []);
      assert.deepEqual(outcome.repositories?.map((r) => [r.where, r.result?.deleted.length]), [[`${host}/${A}`, 1], [`${host}/${B}`, 2]]);
      assert.deepEqual(await registryTags(url, A), ['1.1.0', '2.0.0'], 'the row kept in the panel keeps its image');
      assert.deepEqual(await registryTags(url, B), ['3.0.0', 'latest']);
      assert.equal(await headTag(url, A, '1.1.0'), digests[`${A}:1.1.0`]);
      assert.equal(api.phase(), 'done');
      assert.equal(api.result()?.headline, 'Deleted 3 of 3 images (3 tags).');
      assert.deepEqual(api.groups().map((g) => g.status), ['Deleted 1 of 1 image (1 tag).', 'Deleted 2 of 2 images (2 tags).']);
      api.close();
    });
  });

  it('keeps a tag the workspace deploys, saying where: "used in <file>:<line>"', async () => {
    const REPO = 'policytest/deployed';
    await pushImage({ url }, REPO, ['1.0.0'], { salt: 'pol-dep-1.0.0' });
    await pushImage({ url }, REPO, ['1.1.0'], { salt: 'pol-dep-1.1.0' });
    const deploy = vscode.Uri.joinPath(workspaceFolder(), 'policytest', 'deploy', 'app.yaml');
    await vscode.workspace.fs.writeFile(deploy, Buffer.from(['apiVersion: apps/v1', 'kind: Deployment', 'spec:', '  containers:', `    - image: ${host}/${REPO}:1.0.0`, ''].join('\n')));
    const uri = await writePolicy('deployed.registry-retention.yaml', `rules:\n  - registry: ${host}\n    repositories: [${REPO}]\n    semver: "<2.0.0"\n`);
    let items: PreviewRequest['items'] = [];
    // The workspace scan is read again once the file watcher says a file changed, or once it is a minute old (a late
    // watcher on a fresh machine): up to 70 s.
    for (const end = Date.now() + 70_000; !items.some((i) => /used in/.test(i.description ?? '')) && Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
      answerWith(t.hooks, { 'policy.preview': (r: PromptRequest) => ((items = (r as PreviewRequest).items), undefined) });
      await vscode.commands.executeCommand<PolicyOutcome>('registryExplorer.previewPolicy', uri);
      clearAnswers(t.hooks);
    }
    const byLabel = Object.fromEntries(items.map((i) => [i.label, i.description]));
    assert.equal(byLabel[`${host}/${REPO}:1.0.0`], 'keep: used in policytest/deploy/app.yaml:5');
    assert.equal(byLabel[`${host}/${REPO}:1.1.0`], 'delete: matches <2.0.0');
    assert.deepEqual(await registryTags(url, REPO), ['1.0.0', '1.1.0'], 'closing the preview deletes nothing');
  });

  it('reads nothing from any registry and deletes nothing when the policy has problems, and names the line and the field', async () => {
    const REPO = 'policytest/problem';
    await pushImage({ url }, REPO, ['1.0.0'], { salt: 'pol-problem-1.0.0' });
    const proxy = await startHookProxy(url, () => undefined);
    try {
      await setRegistries([{ url }, { url: proxy.url }]);
      const uri = await writePolicy('problem.registry-retention.yaml', `rules:\n  - registry: ${proxy.host}\n    repositories: [${REPO}]\n    semver: "<9.0.0"\n    keepPer: major\n`);
      const state = answerWith(t.hooks, {});
      const outcome = await vscode.commands.executeCommand<PolicyOutcome>('registryExplorer.previewPolicy', uri);
      assert.equal(outcome.plan, undefined);
      assert.deepEqual(outcome.problems.map((p) => [p.line, p.field]), [[5, 'rules[0].keepPer']]);
      const error = t.hooks.messages.find((m) => m.severity === 'error');
      assert.ok(error, messagesText(t.hooks));
      assert.match(error.message, /^Line 5 of policytest\/problem\.registry-retention\.yaml: rules\[0\]\.keepPer: .*Nothing was read from any registry\.$/);
      assert.deepEqual(error.buttons, ['Show Problems']);
      assert.deepEqual(state.asked.map((r) => r.id), [], 'no preview, no confirmation');
      assert.deepEqual(proxy.seen, [], 'no request reached the registry');
      assert.deepEqual(await registryTags(url, REPO), ['1.0.0']);
    } finally {
      await setRegistries([{ url }]);
      await proxy.stop();
    }
  });

  it('Apply asks its one confirmation as the panel opens and deletes exactly the planned tags', async () => {
    const REPO = 'policytest/apply';
    for (const tag of ['0.1.0', '0.2.0', '0.3.0', '1.0.0']) await pushImage({ url }, REPO, [tag], { salt: `pol-apply-${tag}` });
    const uri = await writePolicy('registry-retention.yml', `rules:\n  - registry: ${host}\n    repositories: [${REPO}]\n    semver: "<1.0.0"\n    keep: 1\n`);
    let panel: Promise<CleanupPreviewTestApi> | undefined;
    const confirms: PromptRequest[] = [];
    const state = answerWith(t.hooks, {
      'policy.preview': (r: PromptRequest) => ((panel = (r as PreviewRequest).panel), OPEN_PANEL),
      'policy.confirm': (r: PromptRequest) => (confirms.push(r), true),
    });
    const outcome = await vscode.commands.executeCommand<PolicyOutcome>('registryExplorer.applyPolicy', uri);
    assert.deepEqual(state.unexpected, []);
    assert.equal(confirms.length, 1, 'asked once, without pressing Delete');
    assert.equal(confirms[0].message, `Delete 2 images (2 tags) from ${host}/${REPO}?`);
    assert.deepEqual([...(outcome.repositories?.[0].result?.deleted ?? [])].length, 2);
    assert.deepEqual(await registryTags(url, REPO), ['0.3.0', '1.0.0'], 'the newest in range and the one outside stay');
    const api = await panel!;
    assert.equal(api.phase(), 'done');
    assert.deepEqual(api.groups().length, 1);
    assert.equal((await api.rendered((r) => r.phase === 'done')).headers ?? 0, 0, 'one repository: no header row');
    api.close();
  });
});

// The actions and keys of issue 10 inside a real VS Code, against a real registry (distribution 2.8.2, started here so
// its storage can be read): one-step Untag (one question, in the words that fit; no placeholder left behind), Copy
// Tag and Copy Repository Name (the clipboard), Pull Image (the terminal and what it ran; the "not installed" path),
// Delete Repository (the full list, Cancel, an image that changed meanwhile, then "No tags"), and the commands the
// keybindings run, with a registry or repository selected instead of a tag.
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DeleteRepositoryOutcome } from '../../src/extension/commands';
import { findContainerTool, pullArgs, pullCommandLine } from '../../src/extension/commands/pull';
import type { MessageNode } from '../../src/extension/model/nodes';
import { startRegistry, type TestRegistry } from '../support/registry';
import { storedRepository } from '../support/registry-storage';
import { FULL_ACCEPT, pushImage, pushManifest, type PushedImage } from '../support/seed';
import { answerWith, clearAnswers, EXTENSION_ID, explorerApi, headTag, messagesText, registryNode, repositoryNode, setRegistries, tagNode, type TestApi } from './explorer-helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function retag(url: string, repository: string, digest: string, tag: string): Promise<void> {
  const res = await fetch(`${url}/v2/${repository}/manifests/${digest}`, { headers: { accept: FULL_ACCEPT } });
  assert.equal(res.status, 200);
  await pushManifest({ url }, repository, tag, res.headers.get('content-type') ?? '', Buffer.from(await res.arrayBuffer()));
}

/** A stand-in `docker` (or `podman`) that writes its arguments to `out`. */
function fakeTool(dir: string, name: string, out: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\necho "$@" > '${out}'\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('Registry Explorer: actions and keys (issue 10)', function () {
  this.timeout(90_000);
  let t: TestApi;
  let reg: TestRegistry;
  let host: string;
  let app: { current: PushedImage; old: PushedImage };
  const manifests = (repository: string) => storedRepository(reg.dataDir, repository).manifests.map((m) => m.digest).sort();

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    host = reg.host;
    app = {
      current: await pushImage(reg, 'app', ['2.0.0', 'latest'], { salt: 'actions-app-2' }),
      old: await pushImage(reg, 'app', ['1.0.0'], { salt: 'actions-app-1' }),
    };
    t = await explorerApi();
    await setRegistries([{ url: reg.url }]);
    t.tree.refresh();
  });
  afterEach(() => clearAnswers(t.hooks));
  after(async () => {
    await setRegistries([]);
    await reg?.stop();
  });

  describe('one-step Untag on distribution 2.8 (no tag delete)', () => {
    it('Cancel changes nothing, and finding out what the registry can do changed nothing either', async () => {
      const before = manifests('app');
      const node = await tagNode(t.tree, await repositoryNode(t.tree, host, 'app'), 'latest');
      const state = answerWith(t.hooks, { 'untag.confirm': false });
      assert.equal(await vscode.commands.executeCommand<boolean>('registryExplorer.untag', node), false);
      assert.deepEqual(state.asked.map((r) => r.id), ['untag.confirm']);
      assert.equal(await headTag(reg.url, 'app', 'latest'), app.current.digest);
      assert.deepEqual(manifests('app'), before);
    });

    it('asks once, in plain words, then removes the tag: the image and the sibling tag stay, no placeholder is left', async () => {
      const before = manifests('app');
      const node = await tagNode(t.tree, await repositoryNode(t.tree, host, 'app'), 'latest');
      const state = answerWith(t.hooks, { 'untag.confirm': true });
      assert.equal(await vscode.commands.executeCommand<boolean>('registryExplorer.untag', node), true, messagesText(t.hooks));
      assert.deepEqual(state.unexpected, []);
      assert.deepEqual(state.asked.map((r) => r.id), ['untag.confirm'], 'exactly one question');
      const [ask] = state.asked;
      assert.equal(ask.message, `This registry can't remove just a tag. Remove latest from ${host}/app by pointing it at a temporary placeholder image?`);
      assert.equal(ask.detail, 'The image and 2.0.0 stay. The placeholder is deleted right after.');
      assert.equal(ask.action, 'Remove Tag');
      assert.equal(await headTag(reg.url, 'app', 'latest'), undefined);
      assert.equal(await headTag(reg.url, 'app', '2.0.0'), app.current.digest);
      assert.deepEqual(manifests('app'), before, 'the image stays and no placeholder manifest is left');
      assert.match(messagesText(t.hooks), new RegExp(`\\[info\\] Removed the tag ${host}/app:latest\\.`));
    });
  });

  describe('Copy Tag, Copy Repository Name', () => {
    it('Copy Tag puts the tag on the clipboard', async () => {
      const node = await tagNode(t.tree, await repositoryNode(t.tree, host, 'app'), '2.0.0');
      await vscode.env.clipboard.writeText('nothing yet');
      assert.equal(await vscode.commands.executeCommand<string>('registryExplorer.copyTag', node), '2.0.0');
      assert.equal(await vscode.env.clipboard.readText(), '2.0.0');
    });

    it('Copy Repository Name puts host/repository on the clipboard', async () => {
      const repo = await repositoryNode(t.tree, host, 'app');
      await vscode.env.clipboard.writeText('nothing yet');
      assert.equal(await vscode.commands.executeCommand<string>('registryExplorer.copyRepositoryName', repo), `${host}/app`);
      assert.equal(await vscode.env.clipboard.readText(), `${host}/app`);
    });
  });

  describe('Pull Image', () => {
    let dir: string;
    let savedPath: string | undefined;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'regx-pull-'));
      savedPath = process.env.PATH;
    });
    afterEach(() => {
      process.env.PATH = savedPath;
      for (const term of vscode.window.terminals) if (term.name.startsWith('Pull ')) term.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the command line: docker pull host/repo:tag (podman pull where only podman is installed)', () => {
      assert.deepEqual(pullArgs('h:5000/a/b:1.0'), ['pull', 'h:5000/a/b:1.0']);
      assert.equal(pullCommandLine('docker', 'h:5000/a/b:1.0'), 'docker pull h:5000/a/b:1.0');
      assert.equal(pullCommandLine('podman', 'h:5000/a/b:1.0'), 'podman pull h:5000/a/b:1.0');
      const podman = fakeTool(dir, 'podman', join(dir, 'out'));
      assert.deepEqual(findContainerTool({ PATH: dir }, 'linux'), { tool: 'podman', path: podman });
      const docker = fakeTool(dir, 'docker', join(dir, 'out'));
      assert.deepEqual(findContainerTool({ PATH: dir }, 'linux'), { tool: 'docker', path: docker }, 'docker first when both are installed');
      assert.equal(findContainerTool({ PATH: join(dir, 'nothing-here') }, 'linux'), undefined);
    });

    it('with neither docker nor podman installed: says so, offers Copy Pull Command, opens no terminal', async () => {
      process.env.PATH = dir; // an empty folder: no container tool
      const before = vscode.window.terminals.length;
      const node = await tagNode(t.tree, await repositoryNode(t.tree, host, 'app'), '2.0.0');
      assert.equal(await vscode.commands.executeCommand('registryExplorer.pullImage', node), undefined);
      const shown = t.hooks.messages.find((m) => m.message.startsWith('Neither docker nor podman'));
      assert.ok(shown, messagesText(t.hooks));
      assert.equal(shown.message, `Neither docker nor podman is installed here, so ${host}/app:2.0.0 cannot be pulled from VS Code.`);
      assert.deepEqual(shown.buttons, ['Copy Pull Command']);
      assert.equal(vscode.window.terminals.length, before);
    });

    it('runs `docker pull host/repo:tag` in a terminal named after the image', async () => {
      const out = join(dir, 'ran');
      const docker = fakeTool(dir, 'docker', out);
      process.env.PATH = dir;
      const node = await tagNode(t.tree, await repositoryNode(t.tree, host, 'app'), '2.0.0');
      await vscode.commands.executeCommand('registryExplorer.pullImage', node);
      const name = `Pull ${host}/app:2.0.0`;
      const term = vscode.window.terminals.find((x) => x.name === name);
      assert.ok(term, `no terminal "${name}" (have ${vscode.window.terminals.map((x) => x.name).join(', ')})`);
      const options = term.creationOptions as vscode.TerminalOptions;
      assert.equal(options.shellPath, docker);
      assert.deepEqual(options.shellArgs, ['pull', `${host}/app:2.0.0`]);
      for (let i = 0; i < 100 && !existsSync(out); i++) await sleep(100);
      assert.equal(readFileSync(out, 'utf8').trim(), `pull ${host}/app:2.0.0`, 'what the terminal ran');
    });
  });

  describe('Delete Repository', () => {
    let images: PushedImage[];
    before(async () => {
      images = [
        await pushImage(reg, 'doomed', ['2.0.0', 'latest'], { salt: 'doomed-2' }),
        await pushImage(reg, 'doomed', ['1.0.0'], { salt: 'doomed-1' }),
        await pushImage(reg, 'doomed', ['0.9.0', 'old'], { salt: 'doomed-0.9' }),
      ];
      t.tree.refresh();
    });

    it('one confirmation lists every image and every tag on it; Cancel deletes nothing', async () => {
      const repo = await repositoryNode(t.tree, host, 'doomed');
      const state = answerWith(t.hooks, { 'deleteRepository.confirm': false });
      const outcome = await vscode.commands.executeCommand<DeleteRepositoryOutcome>('registryExplorer.deleteRepository', repo);
      assert.deepEqual(state.asked.map((r) => r.id), ['deleteRepository.confirm']);
      const [ask] = state.asked;
      assert.equal(ask.message, `Delete every image of ${host}/doomed? That is 3 images, with 5 tags.`);
      const mid = (d: string) => `sha256:${d.slice(7, 13)}…${d.slice(-8)}`;
      for (const line of [`${mid(images[0].digest)}: 2 tags: 2.0.0, latest`, `${mid(images[1].digest)}: 1 tag: 1.0.0`, `${mid(images[2].digest)}: 2 tags: 0.9.0, old`]) {
        assert.ok(ask.detail?.includes(line), `${line} not in:\n${ask.detail}`);
      }
      assert.equal(ask.action, 'Delete 3 Images');
      // Every image of the repository goes: everything it holds is freed (nothing kept shares it).
      assert.match(ask.detail ?? '', /It frees up to \d+(\.\d+)? (B|KiB|MiB) after garbage collection/);
      assert.equal(outcome.confirmed, false);
      assert.deepEqual(outcome.deleted, []);
      for (const tag of ['2.0.0', 'latest', '1.0.0', '0.9.0', 'old']) assert.ok(await headTag(reg.url, 'doomed', tag), `${tag} went`);
    });

    it('an image that changed while the confirmation was open is left alone; the others go', async () => {
      const repo = await repositoryNode(t.tree, host, 'doomed');
      answerWith(t.hooks, {
        'deleteRepository.confirm': async () => {
          await retag(reg.url, 'doomed', images[1].digest, 'hotfix'); // someone tags 1.0.0's image meanwhile
          return true;
        },
      });
      const outcome = await vscode.commands.executeCommand<DeleteRepositoryOutcome>('registryExplorer.deleteRepository', repo);
      assert.deepEqual([...outcome.deleted].sort(), [images[0].digest, images[2].digest].sort());
      assert.equal(outcome.skipped.length, 1);
      assert.equal(outcome.skipped[0].digest, images[1].digest);
      assert.equal(await headTag(reg.url, 'doomed', '1.0.0'), images[1].digest);
      assert.equal(await headTag(reg.url, 'doomed', 'hotfix'), images[1].digest);
      const text = messagesText(t.hooks);
      assert.match(text, /\[warning\] Nothing of sha256:\S+ was deleted: changed since it was shown: hotfix now points at it\./);
      assert.match(text, new RegExp(`\\[info\\] Deleted 2 images of ${host}/doomed \\(4 tags\\)\\.`));
    });

    it('deletes the rest after one confirmation; the repository then shows "No tags"', async () => {
      const repo = await repositoryNode(t.tree, host, 'doomed');
      answerWith(t.hooks, { 'deleteRepository.confirm': true });
      const outcome = await vscode.commands.executeCommand<DeleteRepositoryOutcome>('registryExplorer.deleteRepository', repo);
      assert.deepEqual(outcome.deleted, [images[1].digest]);
      assert.deepEqual(storedRepository(reg.dataDir, 'doomed').tags, []);
      const kids = await t.tree.getChildren(await repositoryNode(t.tree, host, 'doomed'));
      assert.deepEqual(kids.map((k) => (k.kind === 'message' ? (k as MessageNode).note : k.kind)), ['noTags']);
      assert.equal(await headTag(reg.url, 'app', '2.0.0'), app.current.digest, 'another repository was touched');
    });
  });

  describe('the keybindings’ commands, run on the view’s selection', () => {
    it('are contributed for the Registries view: Delete (and Cmd+Backspace), Ctrl/Cmd+C, Enter, on the focused row', () => {
      interface Binding { command: string; key: string; mac?: string; when: string; args?: { commands: (string | { command: string; args?: unknown })[] } }
      const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { keybindings: Binding[] } };
      // What each key runs: with one row selected, `list.select` first makes the focused row (where the keyboard is)
      // the selection; with several selected, the command runs on the selection.
      const runs = (k: Binding) => (k.command === 'runCommands' ? k.args!.commands.map((c) => (typeof c === 'string' ? c : `${c.command}(${JSON.stringify(c.args)})`)).join(' then ') : k.command);
      const keys = pkg.contributes.keybindings.map((k) => `${k.key}${k.mac ? ` (mac ${k.mac})` : ''}${/!listMultiSelection/.test(k.when) ? '' : ' [several selected]'}: ${runs(k)}`);
      assert.deepEqual(keys, [
        'delete (mac cmd+backspace): list.select then registryExplorer.deleteImage',
        'delete: list.select then registryExplorer.deleteImage',
        'delete (mac cmd+backspace) [several selected]: registryExplorer.deleteImage',
        'delete [several selected]: registryExplorer.deleteImage',
        'ctrl+c (mac cmd+c): list.select then registryExplorer.copyImageReference',
        'ctrl+c (mac cmd+c) [several selected]: registryExplorer.copyImageReference',
        'enter: list.select then registryExplorer.openManifest("keyboard")',
      ]);
      for (const k of pkg.contributes.keybindings) assert.match(k.when, /^focusedView == registryExplorer\.registries && !inputFocus && !?listMultiSelection$/);
    });

    for (const selected of ['registry', 'repository'] as const) {
      it(`with a ${selected} selected they say what to select and change nothing`, async () => {
        const node = selected === 'registry' ? await registryNode(t.tree, host) : await repositoryNode(t.tree, host, 'app');
        await t.api.view!.reveal(node, { select: true, focus: true });
        assert.deepEqual(t.api.view!.selection.map((n) => n.id), [node.id]);
        const state = answerWith(t.hooks, {});
        const editors = vscode.window.visibleTextEditors.length;
        await vscode.env.clipboard.writeText('untouched');
        assert.equal(await vscode.commands.executeCommand('registryExplorer.deleteImage'), undefined);
        assert.equal(await vscode.commands.executeCommand('registryExplorer.copyImageReference'), undefined);
        assert.equal(await vscode.commands.executeCommand('registryExplorer.openManifest'), undefined);
        assert.equal(await vscode.commands.executeCommand('registryExplorer.openManifest', 'keyboard'), undefined, 'Enter: quiet');
        assert.deepEqual(state.asked, [], 'nothing was asked');
        assert.equal(vscode.window.visibleTextEditors.length, editors, 'no editor opened');
        assert.equal(await vscode.env.clipboard.readText(), 'untouched');
        const said = t.hooks.messages.map((m) => m.message);
        assert.deepEqual(said, [
          'Select one or more tags in the Registries view first.',
          'Select a tag in the Registries view first (a row under a repository).',
          'Select a tag in the Registries view first (a row under a repository).',
        ]);
        assert.equal(await headTag(reg.url, 'app', '2.0.0'), app.current.digest);
      });
    }

    it('with a tag selected, Copy Image Reference copies that tag’s image by digest', async () => {
      const node = await tagNode(t.tree, await repositoryNode(t.tree, host, 'app'), '1.0.0');
      await t.api.view!.reveal(node, { select: true, focus: true });
      // The selection reaches the extension host in its own message, after the reveal: wait for it (a person's key
      // press comes later still).
      for (const end = Date.now() + 5000; t.api.view!.selection[0]?.id !== node.id; ) {
        if (Date.now() > end) assert.fail(`the selection is ${JSON.stringify(t.api.view!.selection.map((n) => n.id))}, not ${node.id}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const copied = await vscode.commands.executeCommand<string>('registryExplorer.copyImageReference');
      assert.equal(copied, `${host}/app@${app.old.digest}`);
      assert.equal(await vscode.env.clipboard.readText(), copied);
      const doc = await vscode.commands.executeCommand<vscode.TextDocument>('registryExplorer.openManifest', 'keyboard');
      assert.equal(JSON.parse(doc.getText()).schemaVersion, 2, 'Enter opens the selected tag’s manifest');
      assert.ok(doc.uri.toString().includes('1.0.0'), doc.uri.toString());
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
  });
});

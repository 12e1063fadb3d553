// Undo in the editor, inside a real VS Code against a real registry with Basic auth: Delete Image and Prune write the
// undo journal first, and the Undo on their result (pressed through the test hooks) pushes every image and tag back,
// read back over plain HTTP; Recently Deleted lists the operations and restores an older one after a confirmation;
// a tag pushed to another image meanwhile is asked about (Leave It / Move Back); after garbage collection the undo
// refuses, naming the blobs that are gone, and changes nothing; the journal never holds the password. Docker Hub's
// confirmation says what an undo can bring back there.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DeleteOutcome, PruneOutcome } from '../../src/extension/commands';
import type { DeletionItem } from '../../src/extension/commands/recently-deleted';
import type { PressableMessage } from '../../src/extension/commands/undo';
import type { UndoOutcome } from '../../src/extension/commands/undo-action';
import { middleDigest } from '../../src/extension/model/nodes';
import type { PromptRequest } from '../../src/extension/ui';
import type { FakeDockerHub } from '../support/fake-dockerhub';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage, type PushedImage } from '../support/seed';
import { answerWith, clearAnswers, dockerHubInView, explorerApi, headTag, messagesText, repositoryNode, setRegistries, tagNode, tagNodes, type TestApi } from './explorer-helpers';

type Item = vscode.QuickPickItem;

describe('Registry Explorer: Undo (journal, Undo on the result, Recently Deleted)', function () {
  this.timeout(120_000);
  let t: TestApi;
  let reg: TestRegistry;
  let host: string;
  let user: { username: string; password: string };

  before(async () => {
    reg = await startRegistry({ auth: 'basic' });
    host = reg.host;
    user = reg.users[0];
    t = await explorerApi();
    await t.credentials.set(host, { username: user.username, password: user.password });
    await setRegistries([{ url: reg.url, username: user.username }]);
    t.tree.refresh();
  });
  afterEach(() => clearAnswers(t.hooks));
  after(async () => {
    await setRegistries([]);
    await t.credentials.delete(host);
    await reg?.stop();
  });

  /** What the registry says a tag (or digest) names now, over plain HTTP with the seeding login. */
  const now = (repository: string, ref: string): Promise<string | undefined> => headTag(reg.url, repository, ref, reg.admin);

  async function push(repository: string, tags: string[], salt: string): Promise<PushedImage> {
    const image = await pushImage(reg, repository, tags, { salt });
    t.tree.refresh();
    return image;
  }

  /** Delete Image on `tag`, confirmed; resolves with the outcome and the result's notification. */
  async function deleteImage(repository: string, tag: string): Promise<{ outcome: DeleteOutcome; asked: PromptRequest[]; toast: PressableMessage }> {
    const repo = await repositoryNode(t.tree, host, repository);
    const state = answerWith(t.hooks, { 'delete.confirm': true });
    const outcome = await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', await tagNode(t.tree, repo, tag));
    assert.deepEqual(state.unexpected, []);
    assert.equal(outcome.deleted.length, 1, messagesText(t.hooks));
    const toast = t.hooks.messages.find((m) => m.message.startsWith('Deleted 1 image')) as PressableMessage | undefined;
    assert.ok(toast, `no result notification: ${messagesText(t.hooks)}`);
    return { outcome, asked: state.asked, toast };
  }

  /** Presses Undo on a result notification, answering the questions the undo asks with `answers`. */
  async function pressUndo(toast: PressableMessage, answers: Record<string, unknown> = {}): Promise<{ outcomes: UndoOutcome[]; asked: PromptRequest[] }> {
    assert.ok(toast.buttons.includes('Undo'), `no Undo on "${toast.message}": ${JSON.stringify(toast.buttons)}`);
    assert.ok(toast.press, 'the notification cannot be pressed (not shown through notifyWithUndo)');
    t.hooks.messages.length = 0;
    const state = answerWith(t.hooks, answers);
    const outcomes = (await toast.press('Undo')) as UndoOutcome[];
    assert.deepEqual(state.unexpected, [], `unexpected questions; messages: ${messagesText(t.hooks)}`);
    return { outcomes, asked: state.asked };
  }

  /** Runs Recently Deleted, choosing the newest entry of `repository` (or pressing Escape with `choose` false). */
  async function recentlyDeleted(repository: string, answers: Record<string, unknown> = {}, choose = true): Promise<{ item?: DeletionItem; outcomes?: UndoOutcome[]; asked: PromptRequest[] }> {
    let item: DeletionItem | undefined;
    const state = answerWith(t.hooks, {
      ...answers,
      'recentlyDeleted.pick': (r: PromptRequest) => {
        item = (r.items as DeletionItem[]).find((i) => i.entry.repository === repository && i.entry.registry === host);
        assert.ok(item, `no entry of ${repository} among ${r.items?.map((i) => i.label).join(' | ')}`);
        return choose ? item : undefined;
      },
    });
    const outcomes = await vscode.commands.executeCommand<UndoOutcome[] | undefined>('registryExplorer.recentlyDeleted');
    assert.deepEqual(state.unexpected, [], messagesText(t.hooks));
    return { item, outcomes, asked: state.asked };
  }

  it('Delete Image, then Undo on its result: the image and every tag are back, as before, and the tree shows them', async () => {
    const REPO = 'undo/delete';
    const image = await push(REPO, ['1.0.0', 'stable'], 'undo-delete-1');
    const other = await push(REPO, ['2.0.0'], 'undo-delete-2');
    const { asked, toast } = await deleteImage(REPO, '1.0.0');
    assert.match(asked[0].detail ?? '', /You can undo this from the result or from Recently Deleted\.\nUndo works while the registry still holds the image data: until its garbage collection runs\.$/);
    assert.doesNotMatch(asked[0].detail ?? '', /cannot be undone/);
    assert.equal(await now(REPO, '1.0.0'), undefined);
    assert.equal(await now(REPO, 'stable'), undefined);
    assert.equal(await now(REPO, image.digest), undefined, 'the manifest itself is deleted');
    assert.equal(toast.severity, 'info');

    const { outcomes, asked: undoAsked } = await pressUndo(toast);
    assert.deepEqual(undoAsked, [], 'the Undo button asks nothing when nothing conflicts');
    assert.deepEqual(outcomes.map((o) => o.result?.restored), [[image.digest]]);
    assert.equal(await now(REPO, image.digest), image.digest);
    assert.equal(await now(REPO, '1.0.0'), image.digest);
    assert.equal(await now(REPO, 'stable'), image.digest);
    assert.equal(await now(REPO, '2.0.0'), other.digest);
    assert.match(messagesText(t.hooks), new RegExp(`\\[info\\] Restored 1 image and 2 tags in ${host}/${REPO}\\.`));
    const shown = (await tagNodes(t.tree, await repositoryNode(t.tree, host, REPO))).map((n) => n.tag).sort();
    assert.deepEqual(shown, ['1.0.0', '2.0.0', 'stable'], 'the tree forgot the repository and shows the tags again');
  });

  it('Prune, then Undo on its result: every pruned image is back with its tags', async () => {
    const REPO = 'undo/prune';
    const a = await push(REPO, ['0.1.0'], 'undo-prune-a');
    const b = await push(REPO, ['0.2.0', '0.3.0'], 'undo-prune-b');
    const kept = await push(REPO, ['1.0.0'], 'undo-prune-c');
    const repo = await repositoryNode(t.tree, host, REPO);
    const state = answerWith(t.hooks, {
      'prune.versioning': 'semver',
      'prune.range': '<1.0.0',
      'prune.keep': '0',
      'prune.options': [],
      'prune.preview': (r: PromptRequest) => r.items!.filter((i: Item) => i.picked),
      'prune.confirm': true,
    });
    const outcome = await vscode.commands.executeCommand<PruneOutcome>('registryExplorer.pruneTags', repo);
    assert.deepEqual(state.unexpected, []);
    assert.deepEqual([...(outcome.result?.deleted ?? [])].sort(), [a.digest, b.digest].sort(), messagesText(t.hooks));
    for (const tag of ['0.1.0', '0.2.0', '0.3.0']) assert.equal(await now(REPO, tag), undefined, `${tag} was pruned`);
    const toast = t.hooks.messages.find((m) => m.message.startsWith(`Pruned ${host}/${REPO}`)) as PressableMessage | undefined;
    assert.ok(toast, messagesText(t.hooks));
    assert.ok(toast.buttons.includes('Show Log'), 'the existing buttons stay');

    const { outcomes } = await pressUndo(toast);
    assert.deepEqual([...(outcomes[0].result?.restored ?? [])].sort(), [a.digest, b.digest].sort());
    assert.equal(await now(REPO, '0.1.0'), a.digest);
    assert.equal(await now(REPO, '0.2.0'), b.digest);
    assert.equal(await now(REPO, '0.3.0'), b.digest);
    assert.equal(await now(REPO, '1.0.0'), kept.digest);
    assert.match(messagesText(t.hooks), new RegExp(`Restored 2 images and 3 tags in ${host}/${REPO}\\.`));
  });

  it('Recently Deleted lists the deletion, confirms what it pushes back, restores it, and then says it was restored', async () => {
    const REPO = 'undo/recent';
    const image = await push(REPO, ['3.0.0', 'three'], 'undo-recent-1');
    await deleteImage(REPO, '3.0.0');
    clearAnswers(t.hooks);

    let confirmAsked: PromptRequest | undefined;
    const { item, outcomes } = await recentlyDeleted(REPO, {
      'undo.confirm': (r: PromptRequest) => {
        confirmAsked = r;
        return true;
      },
    });
    assert.ok(item);
    assert.equal(item.label, `${REPO} — 1 image (3.0.0, three)`);
    assert.match(item.description ?? '', new RegExp(`^${host.replace(/\./g, '\\.')} · (just now|1 minute ago)$`));
    assert.equal(item.detail, 'Deleted with Delete Image');
    assert.equal(confirmAsked?.message, `Restore 1 image and 2 tags in ${host}/${REPO}?`);
    assert.match(confirmAsked?.detail ?? '', new RegExp(`${middleDigest(image.digest)} is pushed back with its tags: 3\\.0\\.0, three`));
    assert.deepEqual(outcomes?.map((o) => o.result?.restored), [[image.digest]]);
    assert.equal(await now(REPO, '3.0.0'), image.digest);
    assert.equal(await now(REPO, 'three'), image.digest);

    clearAnswers(t.hooks);
    const again = await recentlyDeleted(REPO, {}, false);
    assert.equal(again.item?.detail, 'Deleted with Delete Image · restored');
  });

  it('Recently Deleted: declining the confirmation restores nothing; an entry whose registry is not in the view says to add it first', async () => {
    const REPO = 'undo/recent-declined';
    await push(REPO, ['4.0.0'], 'undo-declined-1');
    await deleteImage(REPO, '4.0.0');
    clearAnswers(t.hooks);
    const declined = await recentlyDeleted(REPO, { 'undo.confirm': false });
    assert.deepEqual(declined.outcomes?.map((o) => o.result), [undefined]);
    assert.equal(await now(REPO, '4.0.0'), undefined, 'declined: nothing pushed back');

    clearAnswers(t.hooks);
    await setRegistries([]);
    try {
      const missing = await recentlyDeleted(REPO);
      assert.deepEqual(missing.asked.map((r) => r.id), ['recentlyDeleted.pick'], 'nothing else is asked');
      const error = t.hooks.messages.find((m) => m.severity === 'error');
      assert.ok(error, messagesText(t.hooks));
      assert.match(error.message, new RegExp(`${host.replace(/\./g, '\\.')} is not in the Registries view\\. Add ${host.replace(/\./g, '\\.')} first`));
      assert.equal(await now(REPO, '4.0.0'), undefined);
    } finally {
      await setRegistries([{ url: reg.url, username: user.username }]);
      t.tree.refresh();
    }
  });

  it('a tag pushed to another image meanwhile is asked about: Leave It leaves it there, Move Back moves it back', async () => {
    const REPO = 'undo/moved';
    const image = await push(REPO, ['5.0.0', 'five'], 'undo-moved-1');
    const { toast } = await deleteImage(REPO, '5.0.0');
    const newer = await push(REPO, ['five'], 'undo-moved-2');
    assert.equal(await now(REPO, 'five'), newer.digest);

    const left = await pressUndo(toast, { 'undo.moveTag': 'Leave It' });
    assert.equal(left.asked.length, 1);
    assert.equal(left.asked[0].kind, 'choose');
    assert.equal(left.asked[0].message, `Move five back to ${middleDigest(image.digest)}? It now points at ${middleDigest(newer.digest)}.`);
    assert.deepEqual([left.asked[0].actions, left.asked[0].closeLabel], [['Move Back'], 'Leave It']);
    assert.deepEqual(left.outcomes[0].leftAlone, ['five']);
    assert.equal(await now(REPO, image.digest), image.digest, 'the image is pushed back');
    assert.equal(await now(REPO, '5.0.0'), image.digest);
    assert.equal(await now(REPO, 'five'), newer.digest, 'Leave It: the tag stays on the newer image');
    assert.match(messagesText(t.hooks), new RegExp(`Restored 1 image and 1 tag in .*${REPO}\\. Tag five was left on ${middleDigest(newer.digest)}\\.`));

    // The result's Undo once more: the image is back, only the tag is left to decide.
    const moved = await pressUndo(toast, { 'undo.moveTag': 'Move Back' });
    assert.deepEqual(moved.asked.map((r) => r.id), ['undo.moveTag']);
    assert.deepEqual(moved.outcomes[0].movedBack, ['five']);
    assert.equal(await now(REPO, 'five'), image.digest, 'Move Back: the tag names the restored image again');
    assert.equal(await now(REPO, '5.0.0'), image.digest);
    assert.equal(await now(REPO, newer.digest), newer.digest, 'the newer image itself stays');
    assert.deepEqual(moved.outcomes[0].result?.restored, [image.digest]);
  });

  it('several moved tags are asked about in one question: Choose… moves back only the ticked ones, Move All Back the rest', async () => {
    const REPO = 'undo/moved-many';
    const image = await push(REPO, ['8.0.0', 'eight', 'stable', 'edge'], 'undo-many-1');
    const { toast } = await deleteImage(REPO, '8.0.0');
    const newer = await push(REPO, ['eight', 'stable', 'edge'], 'undo-many-2');

    const some = await pressUndo(toast, { 'undo.moveTags': 'Choose…', 'undo.chooseTags': ['stable'] });
    assert.deepEqual(some.asked.map((r) => r.id), ['undo.moveTags', 'undo.chooseTags'], 'one question for the three tags, then the pick');
    const [question, chooser] = some.asked;
    assert.equal(question.message, `Move 3 tags back? Since the deletion they were pushed to other images in ${host}/${REPO}.`);
    assert.deepEqual([question.actions, question.closeLabel], [['Move All Back', 'Choose…'], 'Leave Them']);
    for (const tag of ['edge', 'eight', 'stable']) assert.ok(question.detail?.includes(`${tag}: back to ${middleDigest(image.digest)}, from ${middleDigest(newer.digest)}`), question.detail);
    assert.deepEqual(chooser.items?.map((i) => [i.label, i.picked]), [['edge', false], ['eight', false], ['stable', false]], 'none ticked: a tag moves only with a yes');
    assert.deepEqual(some.outcomes[0].movedBack, ['stable']);
    assert.deepEqual(some.outcomes[0].leftAlone.sort(), ['edge', 'eight']);
    assert.equal(await now(REPO, '8.0.0'), image.digest, 'the image is pushed back with its tag that nothing took');
    assert.equal(await now(REPO, 'stable'), image.digest, 'ticked: moved back');
    assert.equal(await now(REPO, 'eight'), newer.digest, 'not ticked: left');
    assert.equal(await now(REPO, 'edge'), newer.digest, 'not ticked: left');

    const rest = await pressUndo(toast, { 'undo.moveTags': 'Move All Back' });
    assert.deepEqual(rest.asked.map((r) => r.id), ['undo.moveTags']);
    assert.match(rest.asked[0].message ?? '', /^Move 2 tags back\?/);
    assert.deepEqual(rest.outcomes[0].movedBack.sort(), ['edge', 'eight']);
    for (const tag of ['8.0.0', 'eight', 'stable', 'edge']) assert.equal(await now(REPO, tag), image.digest, `${tag} names the restored image`);

    const escaped = await push(REPO, ['eight', 'edge'], 'undo-many-3');
    const left = await pressUndo(toast, { 'undo.moveTags': undefined });
    assert.deepEqual(left.outcomes[0].leftAlone.sort(), ['edge', 'eight'], 'Escape leaves them');
    assert.equal(await now(REPO, 'eight'), escaped.digest);
  });

  it('after garbage collection the Undo refuses, names the blobs that are gone, and changes nothing', async () => {
    const REPO = 'undo/gc';
    const image = await push(REPO, ['6.0.0'], 'undo-gc-1');
    const kept = await push(REPO, ['7.0.0'], 'undo-gc-2');
    const { toast } = await deleteImage(REPO, '6.0.0');
    await reg.garbageCollect();
    assert.equal(await now(REPO, '7.0.0'), kept.digest, 'garbage collection keeps what is tagged');

    const { outcomes } = await pressUndo(toast);
    assert.equal(outcomes[0].result, undefined, 'nothing was restored');
    const error = t.hooks.messages.find((m) => m.severity === 'error');
    assert.ok(error, messagesText(t.hooks));
    assert.match(error.message, new RegExp(`^Nothing of the deletion in ${host.replace(/\./g, '\\.')}/${REPO} was restored, and nothing was changed\\.`));
    for (const blob of [image.configDigest, ...image.layerDigests]) assert.ok(error.message.includes(blob), `${blob} is not named: ${error.message}`);
    assert.match(error.message, /garbage collection removed/);
    assert.equal(await now(REPO, image.digest), undefined, 'the manifest was not pushed');
    assert.equal(await now(REPO, '6.0.0'), undefined);
    assert.equal(await now(REPO, '7.0.0'), kept.digest);
  });

  it('when the journal cannot be written, Delete Image deletes nothing and says why', async () => {
    const REPO = 'undo/no-journal';
    const image = await push(REPO, ['8.0.0'], 'undo-nojournal-1');
    const dir = t.api.journalDir;
    assert.ok(dir, 'the test API does not say where the journal is');
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    const aside = `${dir}.aside`;
    renameSync(dir, aside);
    writeFileSync(dir, 'a file in the way of the journal folder');
    try {
      const repo = await repositoryNode(t.tree, host, REPO);
      answerWith(t.hooks, { 'delete.confirm': true });
      const outcome = await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', await tagNode(t.tree, repo, '8.0.0'));
      assert.equal(outcome.confirmed, true);
      assert.deepEqual(outcome.deleted, []);
      assert.equal(await now(REPO, '8.0.0'), image.digest, 'nothing is deleted that the journal does not hold');
      const error = t.hooks.messages.find((m) => m.severity === 'error');
      assert.ok(error, messagesText(t.hooks));
      assert.match(error.message, /^The undo journal could not be written in .* \(a file is in the way of the folder\)\. Nothing was deleted: every deletion is first written to the undo journal/);
      assert.ok(!t.hooks.messages.some((m) => m.buttons.includes('Undo')), 'no Undo for what was not deleted');
    } finally {
      rmSync(dir, { force: true });
      renameSync(aside, dir);
    }
  });

  it('the journal holds every deletion, by address, and never the password', async () => {
    const dir = t.api.journalDir;
    assert.ok(dir, 'the test API does not say where the journal is');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
    // The journal keeps the newest 50 operations: the other suites' deletions may have pushed some of these out.
    const ours = texts.map((text) => JSON.parse(text) as { registry: string; repository: string }).filter((e) => e.registry === host);
    assert.ok(ours.some((e) => e.repository === 'undo/gc'), `no entry of ${host}/undo/gc in ${dir}`);
    const secrets = [user.password, reg.admin!.password, Buffer.from(`${user.username}:${user.password}`).toString('base64')];
    for (const [i, text] of texts.entries()) for (const secret of secrets) assert.ok(!text.includes(secret), `${files[i]} holds a secret`);
  });
});

describe('Registry Explorer: Undo on Docker Hub (fake Hub API)', function () {
  this.timeout(90_000);
  let t: TestApi;
  let hub: FakeDockerHub;
  let host: string;
  let stop: (() => Promise<void>) | undefined;
  const HUB_USER = { username: 'alice', secret: 'dckr_pat_alice-host-undo-3' };

  before(async () => {
    const reg = await startRegistry({ auth: 'none' });
    await pushImage(reg, 'alice/undo', ['1.0.0'], { salt: 'host-undo-hub-1' });
    ({ t, hub, host, stop } = await dockerHubInView(reg, HUB_USER, ['alice/undo']));
  });
  afterEach(() => clearAnswers(t.hooks));
  after(() => stop?.());

  it('the Delete Image confirmation says plainly what an undo brings back on Docker Hub', async () => {
    const repo = await repositoryNode(t.tree, host, 'alice/undo');
    const state = answerWith(t.hooks, { 'delete.confirm': false });
    const outcome = await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', await tagNode(t.tree, repo, '1.0.0'));
    assert.deepEqual(outcome.deleted, []);
    const detail = state.asked[0].detail ?? '';
    assert.match(detail, /You can undo this from the result or from Recently Deleted\.\nOn Docker Hub deleting an image removes every tag on it and keeps its data: an undo tags it again\.$/);
    assert.doesNotMatch(detail, /until its garbage collection runs/, 'the plain registry’s words are not said for Hub');
    assert.deepEqual(hub.tags('alice/undo'), ['1.0.0']);
  });
});

// Commands on a repository: Copy Repository Name (`host/repo`) and Delete Repository… (every tagged image of it).
// Delete Repository reads the repository once (the engine's reviewRepositoryDeletion: nothing from an incomplete
// tag list), shows ONE modal listing every image and every tag on each, then deletes through the executor, which
// reads the tags again after the modal and leaves alone any image that changed meanwhile. Locked images are listed
// with their fix and skipped. Afterwards the repository shows "No tags" (or is gone from the catalog).
import * as vscode from 'vscode';
import { deleteReviewed, errorSentence, isRegistryError, reviewRepositoryDeletion, undoNote as undoNoteOf, type DeletionResult, type DeletionReview, type ImageToDelete } from '../../engine';
import type { Explorer } from '../explorer';
import { middleDigest, type ExplorerNode, type RepositoryNode } from '../model/nodes';
import { confirm, notify } from '../ui';
import { freedSentence, freedSoon } from './freed';
import { gcHint, onGcButton, reportLostTags, showError } from './feedback';
import { copy, withCancellable } from './tags';
import { journaled, notifyWithUndo, undoOf, undoSentences } from './undo';

const t = vscode.l10n.t;

export interface DeleteRepositoryOutcome {
  /** Digests deleted (or found already gone). */
  deleted: string[];
  /** Images left alone, with why (changed since the modal, locked). */
  skipped: { digest: string; reason: string }[];
  failed: { digest: string; error: string }[];
  lostTags: string[];
  confirmed: boolean;
  cancelled: boolean;
}

const isRepository = (n: unknown): n is RepositoryNode => typeof n === 'object' && n !== null && (n as ExplorerNode).kind === 'repository';

/** The repository a command acts on: the clicked node, else the one selected. Says what to select when there is none. */
function targetRepository(explorer: Explorer, node?: unknown): RepositoryNode | undefined {
  const repo = isRepository(node) ? node : explorer.selection().find(isRepository);
  if (!repo) notify('info', t('Select a repository in the Registries view first.'));
  return repo;
}

export async function copyRepositoryName(explorer: Explorer, node?: unknown): Promise<string | undefined> {
  const repo = targetRepository(explorer, node);
  return repo ? copy(`${repo.registry}/${repo.repository}`) : undefined;
}

function imageLine(image: ImageToDelete): string {
  const d = middleDigest(image.digest);
  const line = image.tags.length === 1 ? t('{0}: 1 tag: {1}', d, image.tags[0]) : t('{0}: {1} tags: {2}', d, image.tags.length, image.tags.join(', '));
  return image.locked ? `${line}\n${t('  It is {0}: it will not be deleted. To delete it, first: {1}', image.locked.reason, image.locked.fix)}` : line;
}

async function confirmRepository(where: string, review: DeletionReview, freed: string | undefined, undoNote: string | undefined): Promise<boolean> {
  const images = review.images.length;
  const tags = review.images.reduce((n, i) => n + i.tags.length, 0);
  const tagCount = tags === 1 ? t('1 tag') : t('{0} tags', tags);
  const message =
    images === 1 ? t('Delete every image of {0}? That is 1 image, with {1}.', where, tagCount) : t('Delete every image of {0}? That is {1} images, with {2}.', where, images, tagCount);
  const detail = [...review.images.map(imageLine), ...(freed ? ['', freed] : []), '', ...undoSentences(undoNote)].join('\n');
  return confirm('deleteRepository.confirm', message, detail, images === 1 ? t('Delete 1 Image') : t('Delete {0} Images', images));
}

export async function deleteRepository(explorer: Explorer, node?: unknown): Promise<DeleteRepositoryOutcome | undefined> {
  const repo = targetRepository(explorer, node);
  if (!repo) return undefined;
  const where = `${repo.registry}/${repo.repository}`;
  const outcome: DeleteRepositoryOutcome = { deleted: [], skipped: [], failed: [], lostTags: [], confirmed: false, cancelled: false };
  let review: DeletionReview;
  let freed: string | undefined;
  let undoNote: string | undefined;
  try {
    const client = await explorer.tree.client(repo.registry);
    review = await withCancellable(t('Reading every tag of {0}…', where), async (signal) => {
      const read = await reviewRepositoryDeletion(client, repo.repository, { signal });
      // What goes: the images that are not locked (those are skipped).
      const going = read.images.filter((i) => !i.locked).map((i) => i.digest);
      freed = freedSentence([{ registry: repo.registry, freed: await freedSoon(client, read.snapshot, going, signal) }]);
      undoNote = await undoNoteOf(client, signal);
      return read;
    });
  } catch (e) {
    if (isRegistryError(e, 'CANCELLED')) return { ...outcome, cancelled: true };
    showError(explorer, e, t('read what deleting {0} would remove', where), repo.registry);
    return undefined;
  }
  if (review.images.length === 0) {
    notify('info', t('{0} has no tags: there is no image to delete.', where));
    return outcome;
  }
  if (review.images.every((i) => i.locked)) {
    const first = review.images[0].locked!;
    notify('error', t('Every image of {0} is locked ({1}): nothing was deleted. To delete them, first: {2}', where, first.reason, first.fix));
    return outcome;
  }
  if (!(await confirmRepository(where, review, freed, undoNote))) return outcome;
  outcome.confirmed = true;
  const result = await runDelete(explorer, repo, review, outcome);
  explorer.tree.forgetRepository(repo.registry, repo.repository);
  report(explorer, repo, review, result, outcome, () => deleteRepository(explorer, repo));
  return outcome;
}

async function runDelete(explorer: Explorer, repo: RepositoryNode, review: DeletionReview, outcome: DeleteRepositoryOutcome): Promise<DeletionResult> {
  const where = `${repo.registry}/${repo.repository}`;
  const client = await explorer.tree.client(repo.registry);
  const going = review.images.filter((i) => !i.locked);
  const meta = { registry: repo.registry, repository: repo.repository, operation: 'delete repository' };
  const result = await withCancellable(t('Deleting every image of {0}', where), (signal, progress) =>
    journaled(explorer, meta, going, (journal) => deleteReviewed(client, review, {
      journal,
      confirmation: 'interactive',
      signal,
      onReread: () => progress.report({ message: t('Checking the tags again…') }),
      onProgress: (ev) => {
        progress.report({ increment: 100 / review.images.length, message: t('{0} of {1}', ev.done, ev.total) });
        const line = `${ev.type} ${where}@${ev.digest} (${ev.tags.join(', ') || 'no tags'})`;
        if (ev.type === 'failed') explorer.log.error(`${line}: ${ev.error}`);
        else explorer.log.info(ev.reason ? `${line}: ${ev.reason}` : line);
      },
    })),
  );
  outcome.deleted = result.deleted;
  outcome.skipped = result.skipped.map((s) => ({ digest: s.digest, reason: s.reason }));
  outcome.failed = result.failed.map((f) => ({ digest: f.digest, error: f.error }));
  outcome.lostTags = result.lostTags.map((l) => `${where}:${l.tag}`);
  outcome.cancelled = result.cancelled;
  return result;
}

function report(explorer: Explorer, repo: RepositoryNode, review: DeletionReview, result: DeletionResult, outcome: DeleteRepositoryOutcome, reviewAgain: () => unknown): void {
  const where = `${repo.registry}/${repo.repository}`;
  if (result.stoppedBy) notify('error', errorSentence(result.stoppedBy), [t('Show Log')], () => explorer.log.show());
  reportLostTags(explorer, where, result.lostTags);
  const changed = result.skipped.filter((s) => !review.images.find((i) => i.digest === s.digest)?.locked);
  if (changed.length > 0) {
    const lines = changed.map((s) => t('Nothing of {0} was deleted: {1}.', middleDigest(s.digest), s.reason));
    notify('warning', lines.join(' '), [t('Review Again')], () => reviewAgain());
  }
  if (outcome.deleted.length === 0) {
    if (outcome.cancelled) notify('info', t('Cancelled: nothing was deleted.'));
    return;
  }
  const gone = review.images.filter((i) => outcome.deleted.includes(i.digest));
  const tags = gone.reduce((n, i) => n + i.tags.length, 0);
  const tagCount = tags === 1 ? t('1 tag') : t('{0} tags', tags);
  let message = gone.length === 1 ? t('Deleted 1 image of {0} ({1}).', where, tagCount) : t('Deleted {0} images of {1} ({2}).', gone.length, where, tagCount);
  const locked = review.images.filter((i) => i.locked).length;
  if (locked > 0) message += ' ' + t('{0} locked (see the log).', locked);
  if (outcome.failed.length > 0) message += ' ' + t('{0} could not be deleted (see the log).', outcome.failed.length);
  if (outcome.cancelled) message += ' ' + t('Cancelled before the rest.');
  const gc = gcHint([repo.registry]);
  if (gc.sentence) message += ' ' + gc.sentence;
  const buttons = [...(gc.buttons ?? []), ...(outcome.failed.length + locked > 0 ? [t('Show Log')] : [])];
  notifyWithUndo(outcome.failed.length > 0 ? 'warning' : 'info', message, buttons, (b) => onGcButton(b) || explorer.log.show(), undoOf(explorer, result));
}

// Untag…: removes one tag and leaves the image. It first finds out, changing nothing, what the tag points at, which
// other tags share the image, and how this registry can remove a tag (the engine's untagMethod); then it asks ONCE, in
// the words that fit: "Remove the tag …? The image stays …" where the registry removes just the tag, or, where it
// cannot (distribution 2.8), "… by pointing it at a temporary placeholder image?". The engine carries the placeholder
// steps out (and undoes them on failure), deleting the placeholder through the executor.
import * as vscode from 'vscode';
import { isRegistryError, reviewUntag, untagMethod, untagReviewed, type UntagMethod, type UntagReview } from '../../engine';
import type { Explorer } from '../explorer';
import type { TagNode } from '../model/nodes';
import { confirm, notify } from '../ui';
import { reportLostTags, showError } from './feedback';
import { oneTag, withCancellable } from './tags';

const t = vscode.l10n.t;

/** "2.0.0", "2.0.0 and 2.0", "2.0.0, 2.0 and 2": a list in words. */
function listWords(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return t('{0} and {1}', names.slice(0, -1).join(', '), names[names.length - 1]);
}

/** The one question: its message and detail, for what this registry can do. */
export function untagQuestion(where: string, review: Pick<UntagReview, 'tag' | 'otherTags'>, method: UntagMethod): { message: string; detail: string } {
  const others = review.otherTags;
  if (method !== 'placeholder') {
    const detail =
      others.length === 0
        ? t('The image stays, without a tag.')
        : others.length === 1
          ? t('The image stays ({0} still points at it).', others[0])
          : t('The image stays ({0} still point at it).', listWords(others));
    return { message: t('Remove the tag {0} from {1}?', review.tag, where), detail };
  }
  const stays = others.length === 0 ? t('The image stays.') : t('The image and {0} stay.', listWords(others));
  return {
    message: t("This registry can't remove just a tag. Remove {0} from {1} by pointing it at a temporary placeholder image?", review.tag, where),
    detail: `${stays} ${t('The placeholder is deleted right after.')}`,
  };
}

interface UntagFacts {
  review: UntagReview;
  method: UntagMethod;
}

/** Reads what untagging changes and how the registry can do it. Undefined (after saying why) when it cannot go on. */
async function findOut(explorer: Explorer, tag: TagNode, where: string): Promise<UntagFacts | undefined> {
  try {
    return await withCancellable(t('Checking {0}:{1}…', where, tag.tag), async (signal) => {
      const client = await explorer.tree.client(tag.registry);
      const review = await reviewUntag(client, tag.repository, tag.tag, { signal });
      return { review, method: await untagMethod(client, tag.repository, signal) };
    });
  } catch (e) {
    if (!isRegistryError(e, 'CANCELLED')) showError(explorer, e, t('untag {0}:{1}', where, tag.tag), tag.registry);
    return undefined;
  }
}

export async function untag(explorer: Explorer, node?: unknown): Promise<boolean> {
  const tag = oneTag(explorer, node);
  if (!tag) return false;
  const where = `${tag.registry}/${tag.repository}`;
  const ref = `${where}:${tag.tag}`;
  const facts = await findOut(explorer, tag, where);
  if (!facts) return false;
  const { review, method } = facts;
  if (review.locked) {
    notify('error', t('{0} is {1}: nothing was changed. To remove it, first: {2}', ref, review.locked.reason, review.locked.fix));
    return false;
  }
  const question = untagQuestion(where, review, method);
  if (!(await confirm('untag.confirm', question.message, question.detail, t('Remove Tag')))) return false;
  explorer.log.info(`untag ${ref} (${method})`);
  try {
    const client = await explorer.tree.client(tag.registry);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Removing the tag {0}…', ref) }, () =>
      // The user agreed to "the tag goes, the image stays": where a registry refuses the tag delete after all, the
      // placeholder way gives exactly that, so it is allowed.
      untagReviewed(client, review, { fallback: true, method }),
    );
    reportLostTags(explorer, where, result.deletion?.lostTags ?? []);
    explorer.log.info(`untagged ${ref} (${result.method})`);
  } catch (e) {
    showError(explorer, e, t('untag {0}', ref), tag.registry);
    return false;
  } finally {
    explorer.tree.forgetRepository(tag.registry, tag.repository);
  }
  notify('info', t('Removed the tag {0}.', ref));
  return true;
}

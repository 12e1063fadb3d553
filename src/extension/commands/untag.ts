// Untag…: removes one tag and leaves the image. Where the registry cannot remove a tag alone, it explains and
// offers the throw-away-placeholder way, which the engine carries out (and undoes on failure).
import * as vscode from 'vscode';
import { isRegistryError, reviewUntag, untagReviewed, type UntagReview } from '../../engine';
import type { Explorer } from '../explorer';
import { confirm, notify } from '../ui';
import { reportLostTags, showError } from './feedback';
import { oneTag } from './tags';

const t = vscode.l10n.t;

export async function untag(explorer: Explorer, node?: unknown): Promise<boolean> {
  const tag = oneTag(explorer, node);
  if (!tag) return false;
  const ref = `${tag.registry}/${tag.repository}:${tag.tag}`;
  const ok = await confirm('untag.confirm', t('Remove the tag {0}?', ref), t('The image stays, with any other tags it has.'), t('Untag'));
  if (!ok) return false;
  const client = await explorer.tree.client(tag.registry);
  let review: UntagReview;
  try {
    review = await reviewUntag(client, tag.repository, tag.tag);
    await untagReviewed(client, review);
  } catch (e) {
    if (!isRegistryError(e, 'UNTAG_UNSUPPORTED')) {
      showError(explorer, e, t('untag {0}', ref), tag.registry);
      return false;
    }
    explorer.log.info(`untag ${ref}: ${e.message}`);
    const fallback = await confirm(
      'untag.fallback',
      t('This registry cannot remove a tag on its own.'),
      t(
        'Registry Explorer can point {0} at a tiny throw-away manifest and delete that manifest: the tag disappears, the image and its other tags stay. Alternatively, Delete Image removes the image with every tag on it.',
        tag.tag,
      ),
      t('Untag with a Throw-away Manifest'),
    );
    if (!fallback) return false;
    try {
      const result = await untagReviewed(client, await reviewUntag(client, tag.repository, tag.tag), { fallback: true });
      reportLostTags(explorer, `${tag.registry}/${tag.repository}`, result.deletion?.lostTags ?? []);
    } catch (e2) {
      showError(explorer, e2, t('untag {0}', ref), tag.registry);
      return false;
    }
  }
  explorer.log.info(`untagged ${ref}`);
  explorer.tree.forgetRepository(tag.registry, tag.repository);
  notify('info', t('Removed the tag {0}.', ref));
  return true;
}

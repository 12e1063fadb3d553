// regx delete: show every tag that disappears with the image (and any multi-arch image it would break), ask,
// then delete through the engine's executor.
import { badInput, deleteReviewed, describeUses, isIndex, protectedReason, reviewDeletion, undoNote, type ImageToDelete } from '../../engine';
import { has } from '../args';
import { concurrency, confirmOrRefuse, EXIT_FAILED, imageArg, maxStaleness, notConfirmed, withClient, type Context } from '../context';
import { freedJson, freedLines, wantsFreed } from '../freed';
import { beginJournal, undoHint } from '../journal';
import { afterDeletion, listNames, printJson } from '../output';
import { allTagsGone, referrerLines, referrersJson } from '../referrers';
import { deletionExitCode, reportDeletion } from '../report';
import { deleteRepository } from './delete-repository';
import { protectionFromArgs } from './prune';

function describe(where: string, image: ImageToDelete, say: (line: string) => void): void {
  say(`Deleting ${image.digest} from ${where} removes ${image.tags.length} tag${image.tags.length === 1 ? '' : 's'}: ${listNames(image.tags)}`);
  if (isIndex(image.mediaType)) say('It is a multi-arch index: its platform manifests stay in the registry until garbage collection.');
  if (image.breaks.length) say(`It is a platform image of ${describeUses(where.slice(where.indexOf('/') + 1), image.breaks)}: deleting it breaks that multi-arch image (pulling it fails).`);
  referrerLines(image).forEach(say);
}

export async function deleteImage(ctx: Context): Promise<number> {
  if (has(ctx.args, 'all') && has(ctx.args, 'protect-from')) {
    throw badInput('--protect-from does not work with --all yet', 'Delete the images one by one with --protect-from, or leave --protect-from out.');
  }
  if (has(ctx.args, 'all')) return deleteRepository(ctx);
  const ref = imageArg(ctx);
  const protection = await protectionFromArgs(ctx, ref);
  const json = has(ctx.args, 'json');
  const dryRun = has(ctx.args, 'dry-run');
  const where = `${ref.host}/${ref.repository}`;
  return withClient(ctx, ref, async (client) => {
    const referrers = has(ctx.args, 'keep-referrers') ? 'keep' : 'follow';
    const review = await reviewDeletion(client, ref.repository, [ref.target], { signal: ctx.io.interrupt, concurrency: concurrency(ctx), withFreed: wantsFreed(ctx), referrers });
    const image = review.images[0];
    const say = (line: string): void => (json ? ctx.io.stderr(`${line}\n`) : ctx.io.stdout(`${line}\n`));
    describe(where, image, say);
    if (review.freed) freedLines(review.freed).forEach(say);
    const out = (fields: Record<string, unknown>): void => {
      if (json) printJson(ctx.io, { repository: ref.repository, digest: image.digest, tags: image.tags, dryRun, ...fields, ...referrersJson(image.referrers), ...freedJson(review.freed) });
    };
    const deployed = protection ? protectedReason(protection, image.digest, image.tags, review.snapshot.children.get(image.digest)) : undefined;
    if (deployed) {
      ctx.io.stderr(`regx: refusing to delete ${ref.repository}@${image.digest}: ${deployed}. Nothing was deleted.\nChange what the workspace deploys first, or leave --protect-from out.\n`);
      return EXIT_FAILED;
    }
    if (dryRun) {
      out({ deleted: false, alreadyGone: false });
      if (!json) ctx.io.stdout('Dry run: nothing was deleted.\n');
      return 0;
    }
    if (image.locked) {
      ctx.io.stderr(`regx: ${ref.repository}@${image.digest} is ${image.locked.reason}: nothing was deleted.\nTo delete it, first: ${image.locked.fix}\n`);
      return EXIT_FAILED;
    }
    if (image.breaks.length && !has(ctx.args, 'force')) {
      ctx.io.stderr(`regx: refusing to break ${describeUses(ref.repository, image.breaks)}. Nothing was deleted.\nAdd --force to delete this platform image anyway.\n`);
      return EXIT_FAILED;
    }
    const undo = await undoNote(client);
    if (undo) say(undo);
    const answer = await confirmOrRefuse(ctx, 'Delete it?');
    const stop = notConfirmed(ctx, answer, 'Nothing was deleted.');
    if (stop !== undefined) return stop;
    const journal = await beginJournal(ctx, ref, 'delete');
    const result = await deleteReviewed(client, review, {
      journal,
      confirmation: answer === 'yes' ? 'pre-approved' : 'interactive',
      breakIndexes: has(ctx.args, 'force'),
      maxStalenessMs: maxStaleness(ctx),
      signal: ctx.io.interrupt,
    });
    const deleted = result.deleted.includes(image.digest);
    const alreadyGone = result.alreadyGone.includes(image.digest);
    const skipped = result.skipped.find((s) => s.digest === image.digest);
    out({
      deleted,
      alreadyGone,
      lostTags: result.lostTags,
      ...(skipped ? { skipped: skipped.reason } : {}),
      ...(result.lostTagsUnchecked ? { lostTagsUnchecked: result.lostTagsUnchecked } : {}),
      ...(result.stoppedBy ? { stoppedBy: result.stoppedBy } : {}),
    });
    reportDeletion(ctx, result, false);
    if (!json) undoHint(ctx, journal, result);
    if (skipped) ctx.io.stderr(`regx: nothing of ${image.digest} was deleted: ${skipped.reason}.\nLook at it again and delete again if it should still go.\n`);
    if (deleted && !json) {
      ctx.io.stdout(alreadyGone ? `${image.digest} was already gone (deleted by someone else meanwhile).\n` : `Deleted ${image.digest} (tags gone: ${listNames(allTagsGone(image, result.deleted))}).\n`);
    }
    const note = deleted && !alreadyGone ? await afterDeletion(client) : undefined;
    if (note) ctx.io.stderr(`${note}\n`);
    return skipped ? EXIT_FAILED : deletionExitCode(result);
  });
}

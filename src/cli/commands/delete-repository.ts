// regx delete <registry>/<repo> --all: every tagged image of the repository, each listed with every tag on it, one
// question, then the engine's executor (which re-reads the tags and leaves alone any image that changed meanwhile;
// locked images are skipped with the service's fix).
import { countFreedAgain, deleteReviewed, reviewRepositoryDeletion, type ImageToDelete } from '../../engine';
import { has } from '../args';
import { concurrency, confirmOrRefuse, EXIT_FAILED, EXIT_OK, maxStaleness, notConfirmed, repositoryArg, withClient, type Context } from '../context';
import { freedJson, freedLines, wantsFreed } from '../freed';
import { beginJournal, undoHint } from '../journal';
import { afterDeletion, listNames, printJson } from '../output';
import { deletionExitCode, deletionJson, reportDeletion } from '../report';

function describe(image: ImageToDelete): string {
  const line = `${image.digest}: ${image.tags.length} tag${image.tags.length === 1 ? '' : 's'}: ${listNames(image.tags)}`;
  return image.locked ? `${line}\n  It is ${image.locked.reason}: it will not be deleted. To delete it, first: ${image.locked.fix}` : line;
}

export function deleteRepository(ctx: Context): Promise<number> {
  const ref = repositoryArg(ctx);
  const json = has(ctx.args, 'json');
  const dryRun = has(ctx.args, 'dry-run');
  const where = `${ref.host}/${ref.repository}`;
  return withClient(ctx, ref, async (client) => {
    const review = await reviewRepositoryDeletion(client, ref.repository, { signal: ctx.io.interrupt, concurrency: concurrency(ctx), withFreed: wantsFreed(ctx) });
    const say = (line: string): void => (json ? ctx.io.stderr(`${line}\n`) : ctx.io.stdout(`${line}\n`));
    const images = review.images.map((i) => ({ digest: i.digest, tags: i.tags, ...(i.locked ? { locked: i.locked } : {}) }));
    // Locked images are skipped, so what they hold is not freed.
    const freed = review.freed && review.images.length ? countFreedAgain(review.freed, review.images.filter((i) => !i.locked).map((i) => i.digest)) : undefined;
    const out = (fields: Record<string, unknown>): void => {
      if (json) printJson(ctx.io, { repository: ref.repository, dryRun, images, ...fields, ...freedJson(freed) });
    };
    const tags = review.images.reduce((n, i) => n + i.tags.length, 0);
    if (review.images.length === 0) {
      say(`${where} has no tags: there is no image to delete.`);
      out({ deleted: [] });
      return EXIT_OK;
    }
    say(`Deleting every image of ${where}: ${review.images.length} image${review.images.length === 1 ? '' : 's'}, ${tags} tag${tags === 1 ? '' : 's'}.`);
    for (const image of review.images) say(describe(image));
    if (freed) freedLines(freed).forEach(say);
    if (dryRun) {
      out({ deleted: [] });
      if (!json) ctx.io.stdout('Dry run: nothing was deleted.\n');
      return EXIT_OK;
    }
    if (review.images.every((i) => i.locked)) {
      ctx.io.stderr(`regx: every image of ${where} is locked: nothing was deleted.\n`);
      return EXIT_FAILED;
    }
    const answer = await confirmOrRefuse(ctx, 'Delete them all?');
    const stop = notConfirmed(ctx, answer, 'Nothing was deleted.');
    if (stop !== undefined) return stop;
    const journal = await beginJournal(ctx, ref, 'delete --all');
    const result = await deleteReviewed(client, review, {
      journal,
      confirmation: answer === 'yes' ? 'pre-approved' : 'interactive',
      maxStalenessMs: maxStaleness(ctx),
      signal: ctx.io.interrupt,
    });
    out(deletionJson(result));
    reportDeletion(ctx, result, !json);
    const gone = result.deleted.length - result.alreadyGone.length;
    if (!json) ctx.io.stdout(`Deleted ${result.deleted.length} of ${review.images.length} images of ${where}.\n`);
    if (!json) undoHint(ctx, journal, result);
    const note = gone > 0 ? await afterDeletion(client) : undefined;
    if (note) ctx.io.stderr(`${note}\n`);
    return result.skipped.length > 0 ? EXIT_FAILED : deletionExitCode(result);
  });
}

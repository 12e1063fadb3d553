// regx untag: remove one tag and keep the image; with --fallback, where the registry cannot, through a throw-away
// placeholder that the engine deletes again (and undoes on failure).
import { badInput, reviewUntag, untagReviewed } from '../../engine';
import { has } from '../args';
import { concurrency, confirmOrRefuse, EXIT_OK, imageArg, notConfirmed, withClient, type Context } from '../context';
import { listNames } from '../output';
import { reportDeletion } from '../report';

export function untag(ctx: Context): Promise<number> {
  const ref = imageArg(ctx);
  if (!ref.tag || ref.digest) throw badInput('untag takes a tag, not a digest', 'Example: regx untag localhost:5000/app:old');
  const tag = ref.tag;
  return withClient(ctx, ref, async (client) => {
    const review = await reviewUntag(client, ref.repository, tag, { signal: ctx.io.interrupt, concurrency: concurrency(ctx) });
    const answer = await confirmOrRefuse(ctx, `Remove the tag ${tag} from ${ref.repository}? The image stays${review.otherTags.length ? `, with ${listNames(review.otherTags)}` : ''}.`);
    const stop = notConfirmed(ctx, answer);
    if (stop !== undefined) return stop;
    const result = await untagReviewed(client, review, { fallback: has(ctx.args, 'fallback'), signal: ctx.io.interrupt });
    if (result.deletion) reportDeletion(ctx, result.deletion, false);
    if (result.finishedDespiteCancel) ctx.io.stderr('regx: Ctrl-C came while the placeholder steps ran: they were finished first, so nothing is left half-done.\n');
    ctx.io.stdout(`Removed the tag ${tag} from ${ref.repository}.\n`);
    return result.deletion?.lostTags.length ? 1 : EXIT_OK;
  });
}

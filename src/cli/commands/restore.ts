// regx restore <id>|--last: undo a deletion from the journal. Shows each image's fate (restored, refused because
// garbage collection removed its blobs, a tag moved meanwhile), asks, pushes back through the engine, and marks
// what came back in the journal.
import { badInput, parseRegistry, restoreReviewed, reviewRestore, type ImagePlan, type JournalEntry, type RestoreResult, type RestoreReview } from '../../engine';
import { has } from '../args';
import { concurrency, confirmOrRefuse, EXIT_FAILED, EXIT_OK, EXIT_USAGE, notConfirmed, withClient, type Context } from '../context';
import { cliJournal } from '../journal';
import { listNames, printJson, progress } from '../output';
import { when } from './journal';

async function chosenEntry(ctx: Context): Promise<JournalEntry> {
  const [id, ...rest] = ctx.args.positionals;
  const last = has(ctx.args, 'last');
  if (rest.length > 0) throw badInput(`unexpected argument "${rest[0]}"`, 'Run regx --help for the usage.');
  if (id && last) throw badInput('give an operation id or --last, not both');
  if (!id && !last) throw badInput('name the operation to undo: regx restore <id>, or regx restore --last', 'Run regx journal to see the ids.');
  const store = cliJournal(ctx);
  // An id is read alone (an entry that cannot be read is one the journal does not have, as the list would skip it).
  const entry = last ? (await store.list())[0] : await store.read(id).catch(() => undefined);
  if (entry) return entry;
  if (last) throw badInput(`the undo journal is empty (${store.dir}): there is nothing to undo`);
  throw badInput(`the undo journal has no operation "${id}"`, `Run regx journal to see the ids (the journal is in ${store.dir}).`);
}

const tagsToRestore = (image: ImagePlan, force: boolean): string[] => image.tags.filter((t) => t.state === 'restore' || (t.state === 'moved' && force)).map((t) => t.tag);

function imageLines(image: ImagePlan, force: boolean): string[] {
  const tags = image.tags.map((t) => t.tag);
  const lines: string[] = [];
  if (image.manifest === 'refused') lines.push(`refused  ${image.digest} (${listNames(tags)}): ${image.refused}`);
  else if (image.manifest === 'push') lines.push(`restore  ${image.digest} (${listNames(tags)})${image.viaProvider ? `: through the ${image.viaProvider} API (the service restores what it deleted)` : ''}`);
  else if (tagsToRestore(image, force).length > 0) lines.push(`retag    ${image.digest} (still there; tags to restore: ${listNames(tagsToRestore(image, force))})`);
  else lines.push(`present  ${image.digest} (${listNames(tags)}): nothing to restore`);
  if (image.manifest === 'refused') return lines;
  for (const t of image.tags.filter((t) => t.state === 'moved')) {
    lines.push(`  tag ${t.tag} moved to ${t.now}: ${force ? 'will be moved back (--force)' : 'skipped, use --force'}`);
  }
  return lines;
}

/** Writes the restore would make: manifests to push and tags to point again. */
function writes(review: RestoreReview, force: boolean): { images: number; tags: number } {
  const acting = review.images.filter((i) => i.manifest === 'push' || (i.manifest === 'present' && tagsToRestore(i, force).length > 0));
  return { images: acting.length, tags: review.images.filter((i) => i.manifest !== 'refused').reduce((n, i) => n + tagsToRestore(i, force).length, 0) };
}

/** Something the review already says will not come back: a refused image, or a moved tag without --force. */
function blocked(review: RestoreReview, force: boolean): boolean {
  return review.images.some((i) => i.manifest === 'refused' || (!force && i.tags.some((t) => t.state === 'moved')));
}

function reportResult(ctx: Context, result: RestoreResult, text: boolean): void {
  const byService = result.providerRestored.length;
  const through = byService ? `; ${byService} restored through the registry’s own API` : '';
  if (text) ctx.io.stdout(`Restored ${result.restored.length} image(s): pushed ${result.pushed.length - byService} manifest(s) and ${result.tagged.length} tag(s)${through}${result.cancelled ? '; cancelled before the end' : ''}.\n`);
  for (const r of result.refused) ctx.io.stderr(`regx: not restored ${r.digest} (${listNames(r.tags)}): ${r.reason}.\n`);
  for (const c of result.conflicts) ctx.io.stderr(`regx: tag ${c.tag} now points at ${c.now} (moved since the deletion): left alone. Add --force to move it back to ${c.digest}.\n`);
  for (const f of result.failed) ctx.io.stderr(`regx: could not restore ${f.tag ? `tag ${f.tag} of ` : ''}${f.digest}: ${f.error}\n`);
  for (const t of result.tagged.filter((t) => t.movedFrom)) ctx.io.stderr(`note: tag ${t.tag} was moved back from ${t.movedFrom} to ${t.digest} (--force).\n`);
}

function exitCode(result: RestoreResult): number {
  const bad = result.refused.length > 0 || result.conflicts.length > 0 || result.failed.length > 0 || result.cancelled;
  return bad ? EXIT_FAILED : EXIT_OK;
}

export async function restore(ctx: Context): Promise<number> {
  const entry = await chosenEntry(ctx);
  const json = has(ctx.args, 'json');
  const dryRun = has(ctx.args, 'dry-run');
  const force = has(ctx.args, 'force');
  return withClient(ctx, parseRegistry(entry.registry), async (client) => {
    const review = await reviewRestore(client, entry, { concurrency: concurrency(ctx), signal: ctx.io.interrupt });
    const say = (line: string): void => (json ? ctx.io.stderr(`${line}\n`) : ctx.io.stdout(`${line}\n`));
    const out = (result?: RestoreResult): void => {
      const { entry: _entry, ...shown } = review;
      if (json) printJson(ctx.io, { ...shown, dryRun, force, ...(result ? { result } : {}) });
    };
    say(`Undo ${entry.operation} of ${entry.registry}/${entry.repository} (${entry.id}, ${when(entry.at)}):`);
    for (const image of review.images) imageLines(image, force).forEach(say);
    for (const digest of review.notDeleted) say(`note: ${digest} was already gone when the operation ran (deleted by someone else): not restored.`);
    const planned = writes(review, force);
    if (dryRun || planned.images === 0) {
      out();
      if (!dryRun && review.images.length > 0 && !blocked(review, force)) await markBack(ctx, entry, review.images.map((i) => i.digest));
      say(dryRun ? 'Dry run: nothing was changed.' : blocked(review, force) ? 'Nothing was changed.' : 'Nothing to restore.');
      return blocked(review, force) ? EXIT_FAILED : EXIT_OK;
    }
    if (!has(ctx.args, 'yes') && !ctx.io.stdinIsTTY) {
      ctx.io.stderr('regx: refusing to restore without --yes: standard input is not a terminal to confirm on. Nothing was changed.\n');
      return EXIT_USAGE;
    }
    const answer = await confirmOrRefuse(ctx, `Restore ${planned.images} image(s) and ${planned.tags} tag(s) in ${entry.repository}?`);
    const stop = notConfirmed(ctx, answer);
    if (stop !== undefined) return stop;
    const result = await restoreReviewed(client, review, { force, signal: ctx.io.interrupt, onProgress: progress(ctx.io, 'restoring') });
    await markBack(ctx, entry, result.restored);
    out(result);
    reportResult(ctx, result, !json);
    return exitCode(result);
  });
}

/** Marks what came back in the journal; a journal that cannot be written then only gets a warning (the registry is restored). */
async function markBack(ctx: Context, entry: JournalEntry, digests: string[]): Promise<void> {
  if (digests.length === 0) return;
  try {
    await cliJournal(ctx).markRestored(entry.id, digests);
  } catch {
    ctx.io.stderr(`warning: the registry is restored, but the undo journal could not be marked so (entry ${entry.id}).\n`);
  }
}

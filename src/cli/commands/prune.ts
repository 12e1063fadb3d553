// regx prune: plan from the repository and a policy, show every tag's fate, ask, delete through the executor.
import { badInput, executePrune, parseDuration, previewPrune, protectionFor, pruneDeletions, scanNote, scanWorkspaces, shortDigest, summarizePlan, undoNote, validatePolicy, type DeletionResult, type Protection, type PrunePolicy } from '../../engine';
import { flag, has, intFlag, type ParsedArgs } from '../args';
import { concurrency, confirmOrRefuse, EXIT_OK, maxStaleness, notConfirmed, repositoryArg, withClient, type Context } from '../context';
import { freedLines, wantsFreed } from '../freed';
import { beginJournal, undoHint } from '../journal';
import { afterDeletion, printJson, progress, table } from '../output';
import { deletionExitCode, reportDeletion } from '../report';
import { planEntries, pruneJson } from '../prune-report';

const TAG_FLAGS = ['keep', 'keep-per', 'prerelease', 'protect', 'versioning', 'variant'];

/** The tag policy of the arguments; undefined for an untagged cleanup alone (--untagged without a range). */
export function policyFromArgs(args: ParsedArgs): PrunePolicy | undefined {
  if (has(args, 'semver') && has(args, 'range')) throw badInput('--range and --semver are the same option: give the range once');
  const range = flag(args, 'range') ?? flag(args, 'semver');
  if (!range && has(args, 'untagged')) {
    const stray = TAG_FLAGS.find((f) => has(args, f));
    if (stray) throw badInput(`--${stray} needs --semver <range>: it decides which tags go`, 'Add --semver, or leave it out to clean up untagged manifests only.');
    const olderThan = flag(args, 'older-than');
    if (olderThan !== undefined) parseDuration(olderThan);
    return undefined;
  }
  if (!range) throw badInput('prune needs --semver <range> (or --range <range>, or --untagged)', 'Example: regx prune localhost:5000/app --semver "<2.0.0" --keep 3');
  const keepPer = flag(args, 'keep-per');
  if (keepPer !== undefined && keepPer !== 'major' && keepPer !== 'minor') throw badInput(`--keep-per must be major or minor (got "${keepPer}")`);
  const policy: PrunePolicy = {
    range,
    keep: intFlag(args, 'keep', 0, 1_000_000),
    keepPer,
    includePrerelease: has(args, 'prerelease'),
    protect: args.flags.get('protect'),
    olderThan: flag(args, 'older-than'),
    versioning: flag(args, 'versioning') as PrunePolicy['versioning'],
    variant: flag(args, 'variant'),
    keepReferrers: has(args, 'keep-referrers') || undefined,
  };
  validatePolicy(policy);
  return policy;
}

/**
 * What the --protect-from folders deploy in this repository, or undefined without the flag. The references that
 * could not be resolved are listed briefly on stderr. Throws BAD_INPUT for a folder that cannot be read.
 */
export async function protectionFromArgs(ctx: Context, ref: { host: string; repository: string }): Promise<Protection | undefined> {
  const dirs = ctx.args.flags.get('protect-from');
  if (!dirs) return undefined;
  const scan = await scanWorkspaces(dirs);
  for (const line of scanNote(scan)) ctx.io.stderr(`note: ${line}\n`);
  return protectionFor(scan, ref.host, ref.repository);
}

export async function prune(ctx: Context): Promise<number> {
  const ref = repositoryArg(ctx);
  const policy = policyFromArgs(ctx.args); // bad input fails here, before any request
  const json = has(ctx.args, 'json');
  const dryRun = has(ctx.args, 'dry-run');
  const protection = await protectionFromArgs(ctx, ref); // before any request too
  return withClient(ctx, ref, async (client) => {
    const untagged = has(ctx.args, 'untagged') ? { olderThan: flag(ctx.args, 'older-than') } : false;
    const preview = await previewPrune(client, ref.repository, policy, {
      untagged,
      protection,
      keepReferrers: has(ctx.args, 'keep-referrers'),
      withFreed: wantsFreed(ctx),
      withManifests: !has(ctx.args, 'no-journal'),
      concurrency: concurrency(ctx),
      signal: ctx.io.interrupt,
      onProgress: progress(ctx.io, 'reading tags'),
    });
    const { plan } = preview;
    const summary = summarizePlan(plan);
    const entries = planEntries(preview);
    const untaggedGoing = (preview.untagged ?? []).filter((e) => e.action === 'delete').length;
    const images = pruneDeletions(preview).length;
    if (!json) {
      ctx.io.stdout(table([['ACTION', 'TAG', 'DIGEST', 'REASON'], ...entries.map((e) => [e.action, e.tag ?? '(untagged)', e.digest ? shortDigest(e.digest) : '-', e.reason])]));
      for (const note of plan.notes) ctx.io.stdout(`note: ${note}\n`);
      const untaggedWords = preview.untagged ? `; ${untaggedGoing} untagged manifest(s)` : '';
      ctx.io.stdout(`Plan: delete ${summary.delete} tag(s) in ${summary.digests} image(s)${untaggedWords}; keep ${summary.keep}; skip ${summary.skip}.\n`);
      if (preview.freed && images > 0) for (const line of freedLines(preview.freed)) ctx.io.stdout(`${line}\n`);
    }
    const finish = (result: DeletionResult | undefined): number => {
      if (json) printJson(ctx.io, pruneJson(`${ref.host}/${ref.repository}`, dryRun, preview, result));
      return result ? deletionExitCode(result) : EXIT_OK;
    };
    if (dryRun || images === 0) {
      if (!json) ctx.io.stdout(dryRun ? 'Dry run: nothing was deleted.\n' : 'Nothing to delete.\n');
      return finish(undefined);
    }
    const undo = await undoNote(client);
    if (undo && json) ctx.io.stderr(`${undo}\n`);
    else if (undo) ctx.io.stdout(`${undo}\n`);
    const answer = await confirmOrRefuse(ctx, `Delete ${summary.digests} image(s) (${summary.delete} tag(s))${untaggedGoing ? ` and ${untaggedGoing} untagged manifest(s)` : ''} from ${ref.repository}?`);
    const stop = notConfirmed(ctx, answer, 'Nothing was deleted.');
    if (stop !== undefined) return stop === EXIT_OK ? finish(undefined) : stop;
    const journal = await beginJournal(ctx, ref, 'prune');
    const report = progress(ctx.io, 'deleting');
    const result = await executePrune(client, preview, {
      journal,
      confirmation: answer === 'yes' ? 'pre-approved' : 'interactive',
      maxStalenessMs: maxStaleness(ctx),
      concurrency: concurrency(ctx),
      readConcurrency: concurrency(ctx),
      signal: ctx.io.interrupt,
      onProgress: (e) => report(e.done, e.total),
    });
    if (!json) {
      const fresh = result.deleted.length - result.alreadyGone.length;
      ctx.io.stdout(`Deleted ${fresh} image(s); skipped ${result.skipped.length}; failed ${result.failed.length}${result.cancelled ? '; cancelled before the end' : ''}.\n`);
    }
    reportDeletion(ctx, result, !json);
    if (!json) undoHint(ctx, journal, result);
    const note = result.deleted.length > result.alreadyGone.length ? await afterDeletion(client) : undefined;
    if (note) ctx.io.stderr(`${note}\n`);
    return finish(result);
  });
}

// regx prune: plan from the repository and a policy, show every tag's fate, ask, delete through the executor.
import { badInput, executePrune, parseDuration, previewPrune, protectionFor, pruneDeletions, scanWorkspaces, shortDigest, skippedNote, summarizePlan, validatePolicy, type DeletionResult, type PlanEntry, type Protection, type PrunePolicy, type UntaggedEntry } from '../../engine';
import { flag, has, intFlag, type ParsedArgs } from '../args';
import { concurrency, confirmOrRefuse, EXIT_OK, maxStaleness, notConfirmed, repositoryArg, withClient, type Context } from '../context';
import { freedJson, freedLines, wantsFreed } from '../freed';
import { afterDeletion, printJson, progress, table } from '../output';
import { deletionExitCode, deletionJson, reportDeletion } from '../report';

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
  for (const line of skippedNote(scan.skipped)) ctx.io.stderr(`note: ${line}\n`);
  return protectionFor(scan, ref.host, ref.repository);
}

/** Untagged manifests the workspace deploys by digest stay. */
function keepDeployedUntagged(entries: UntaggedEntry[] | undefined, protection: Protection | undefined): UntaggedEntry[] | undefined {
  if (!entries || !protection) return entries;
  return entries.map((e) => (e.action === 'delete' && protection.digests[e.digest] ? { ...e, action: 'keep', reason: `keep: ${protection.digests[e.digest]} (by digest)` } : e));
}

/** The plan as it turned out: entries the executor skipped or could not delete say so. */
function applyResult(entries: PlanEntry[], result: DeletionResult | undefined): PlanEntry[] {
  if (!result) return entries;
  const skipped = new Map(result.skipped.map((s) => [s.digest, s.reason]));
  const failed = new Map(result.failed.map((f) => [f.digest, f.error]));
  const deleted = new Set(result.deleted);
  return entries.map((e) => {
    if (e.action !== 'delete' || !e.digest || deleted.has(e.digest)) return e;
    if (skipped.has(e.digest)) return { ...e, action: 'skip', reason: skipped.get(e.digest)! };
    if (failed.has(e.digest)) return { ...e, reason: `${e.reason} (failed: ${failed.get(e.digest)})` };
    return { ...e, action: 'skip', reason: result.cancelled ? 'not deleted: the run was cancelled' : 'not deleted: the run stopped early' };
  });
}

/** Untagged manifests as plan entries: no tag. */
function untaggedEntries(entries: UntaggedEntry[] | undefined): PlanEntry[] {
  return (entries ?? []).map((e) => ({ tag: null as unknown as string, digest: e.digest, action: e.action, reason: e.reason }));
}

export async function prune(ctx: Context): Promise<number> {
  const ref = repositoryArg(ctx);
  const policy = policyFromArgs(ctx.args); // bad input fails here, before any request
  const json = has(ctx.args, 'json');
  const dryRun = has(ctx.args, 'dry-run');
  const protection = await protectionFromArgs(ctx, ref); // before any request too
  return withClient(ctx, ref, async (client) => {
    const protectedPolicy = policy && protection ? { ...policy, protectedBy: protection.tags, protectedDigests: protection.digests } : policy;
    const untagged = has(ctx.args, 'untagged') ? { olderThan: flag(ctx.args, 'older-than') } : false;
    const read = await previewPrune(client, ref.repository, protectedPolicy, { untagged, withFreed: wantsFreed(ctx), concurrency: concurrency(ctx), signal: ctx.io.interrupt, onProgress: progress(ctx.io, 'reading tags') });
    const preview = { ...read, untagged: keepDeployedUntagged(read.untagged, protection) };
    const { plan } = preview;
    const summary = summarizePlan(plan);
    const entries = [...plan.entries, ...untaggedEntries(preview.untagged)];
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
      if (json) {
        // A referrer tag's entry names the image it belongs to (`subject`), and says when that image is gone (`orphaned`).
        const planOut = applyResult(entries, result).map((e) => ({ tag: e.tag, digest: e.digest, action: e.action, reason: e.reason, ...(e.subject ? { subject: e.subject } : {}), ...(e.orphaned ? { orphaned: true } : {}) }));
        const outcome = result ? deletionJson(result) : { deleted: [], failed: [], skipped: [], lostTags: [], cancelled: false };
        printJson(ctx.io, { repository: `${ref.host}/${ref.repository}`, dryRun, plan: planOut, ...outcome, ...freedJson(preview.freed) });
      }
      return result ? deletionExitCode(result) : EXIT_OK;
    };
    if (dryRun || images === 0) {
      if (!json) ctx.io.stdout(dryRun ? 'Dry run: nothing was deleted.\n' : 'Nothing to delete.\n');
      return finish(undefined);
    }
    const answer = await confirmOrRefuse(ctx, `Delete ${summary.digests} image(s) (${summary.delete} tag(s))${untaggedGoing ? ` and ${untaggedGoing} untagged manifest(s)` : ''} from ${ref.repository}?`);
    const stop = notConfirmed(ctx, answer, 'Nothing was deleted.');
    if (stop !== undefined) return stop === EXIT_OK ? finish(undefined) : stop;
    const report = progress(ctx.io, 'deleting');
    const result = await executePrune(client, preview, {
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
    const note = result.deleted.length > result.alreadyGone.length ? await afterDeletion(client) : undefined;
    if (note) ctx.io.stderr(`${note}\n`);
    return finish(result);
  });
}

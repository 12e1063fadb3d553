// regx apply: a retention policy file (registry-retention.yaml) over every repository it names. Plans each one,
// prints a summary per repository, asks once, then deletes through the executor, repository by repository. One
// repository that fails does not stop the others; the exit code says that something failed.
import { dirname } from 'node:path';
import {
  badInput,
  DEFAULT_POLICY_FILE,
  executePolicy,
  formatSize,
  loadPolicy,
  parseRegistry,
  planPolicy,
  policyTotals,
  protectionFor,
  pruneDeletions,
  scanNote,
  scanWorkspaces,
  summarizePlan,
  undoNote,
  type DeployScan,
  type JournalRecorder,
  type PolicyPlan,
  type RegistryClient,
  type RepositoryOutcome,
  type RepositoryPlan,
} from '../../engine';
import { flag, has, intFlag } from '../args';
import { confirmOrRefuse, connect, EXIT_FAILED, EXIT_OK, maxStaleness, notConfirmed, type Context } from '../context';
import { wantsFreed } from '../freed';
import { afterDeletion, printJson, progress, table } from '../output';
import { beginJournal, undoHint } from '../journal';
import { pruneJson } from '../prune-report';
import { deletionExitCode, reportDeletion } from '../report';

/** The folders whose deployments are kept: --protect-from, else the policy file's own folder. */
async function protection(ctx: Context, file: string): Promise<DeployScan> {
  const dirs = ctx.args.flags.get('protect-from') ?? [dirname(file)];
  const scan = await scanWorkspaces(dirs);
  for (const line of scanNote(scan)) ctx.io.stderr(`note: ${line}\n`);
  return scan;
}

/** One client per registry address, made on first use and closed at the end. */
function clientPool(ctx: Context): { clientFor: (address: string) => Promise<RegistryClient>; close: () => Promise<void> } {
  const clients = new Map<string, Promise<RegistryClient>>();
  return {
    clientFor: (address) => {
      const key = parseRegistry(address).host;
      if (!clients.has(key)) clients.set(key, connect(ctx, parseRegistry(address)));
      return clients.get(key)!;
    },
    close: async () => {
      for (const c of clients.values()) await c.then((client) => client.close()).catch(() => undefined);
    },
  };
}

const where = (r: RepositoryPlan | RepositoryOutcome): string => `${r.target.host}/${r.target.repository}`;

function summaryRow(r: RepositoryPlan): string[] {
  const rule = `line ${r.target.rule.line}`;
  if (!r.preview) return [where(r), rule, '-', '-', '-', '-', '-', `could not read: ${r.error?.message ?? 'unknown error'}`];
  const s = summarizePlan(r.preview.plan);
  const untagged = r.preview.untagged ? String(r.preview.untagged.filter((e) => e.action === 'delete').length) : '-';
  const going = pruneDeletions(r.preview).length > 0;
  const freed = r.preview.freed && !r.preview.freed.notRead && going ? formatSize(r.preview.freed.bytes) : '-';
  return [where(r), rule, String(s.delete), String(s.digests), String(s.keep), String(s.skip), untagged, freed];
}

function printPlan(ctx: Context, plan: PolicyPlan): void {
  ctx.io.stdout(table([['REPOSITORY', 'RULE', 'DELETE', 'IMAGES', 'KEEP', 'SKIP', 'UNTAGGED', 'FREED'], ...plan.repositories.map(summaryRow)]));
  for (const r of plan.repositories) if (r.error?.fix) ctx.io.stdout(`note: ${where(r)}: ${r.error.fix}\n`);
  // What the workspace deploys is the one keep a summary must name: the reason says where.
  for (const r of plan.repositories) {
    for (const e of r.preview?.plan.entries ?? []) if (/^keep: used in /.test(e.reason)) ctx.io.stdout(`kept: ${where(r)}:${e.tag}, ${e.reason.slice('keep: '.length)}\n`);
  }
  for (const p of plan.registryProblems) {
    ctx.io.stdout(`note: the repositories of ${p.registry} could not be listed for the rule${p.lines.length === 1 ? '' : 's'} on line ${p.lines.join(', ')}: ${p.error.message}${p.error.fix ? ` ${p.error.fix}` : ''}\n`);
  }
  const t = policyTotals(plan);
  const untagged = t.untagged ? ` and ${t.untagged} untagged manifest(s)` : '';
  ctx.io.stdout(`Plan: delete ${t.tags} tag(s) in ${t.images} image(s)${untagged} across ${t.repositories} repositor${t.repositories === 1 ? 'y' : 'ies'}`);
  ctx.io.stdout(`${t.failed ? `; ${t.failed} could not be read` : ''}.\n`);
  if (t.freedBytes !== undefined && t.images + t.untagged > 0) ctx.io.stdout(`Frees up to ${formatSize(t.freedBytes)} after garbage collection (layers shared between repositories are counted once per repository).\n`);
  if (!has(ctx.args, 'json')) ctx.io.stdout('Every tag’s fate: regx apply --dry-run --json.\n');
}

function planFailed(plan: PolicyPlan): boolean {
  return plan.registryProblems.length > 0 || plan.repositories.some((r) => r.error);
}

function reportOutcomes(ctx: Context, outcomes: RepositoryOutcome[], json: boolean): void {
  for (const o of outcomes) {
    if (o.error) {
      ctx.io.stderr(`regx: ${where(o)}: ${o.error.message}\n${o.error.fix ? `${o.error.fix}\n` : ''}`);
      continue;
    }
    const r = o.result!;
    if (!json) ctx.io.stdout(`${where(o)}: deleted ${r.deleted.length - r.alreadyGone.length} image(s); skipped ${r.skipped.length}; failed ${r.failed.length}${r.cancelled ? '; cancelled' : ''}.\n`);
    reportDeletion(ctx, r, !json);
  }
}

function outcomeFailed(o: RepositoryOutcome): boolean {
  return o.error !== undefined || (o.result !== undefined && deletionExitCode(o.result) !== EXIT_OK);
}

function printJsonReport(ctx: Context, plan: PolicyPlan, dryRun: boolean, outcomes: RepositoryOutcome[]): void {
  const byRepo = new Map(outcomes.map((o) => [where(o), o]));
  const repositories = plan.repositories.map((r) => {
    const rule = { rule: { index: r.target.rule.index, line: r.target.rule.line } };
    if (!r.preview) return { repository: where(r), ...rule, error: r.error };
    const o = byRepo.get(where(r));
    return { ...pruneJson(where(r), dryRun, r.preview, o?.result), ...rule, ...(o?.error ? { error: o.error } : {}) };
  });
  const { freedBytes } = policyTotals(plan);
  printJson(ctx.io, { policy: plan.file, dryRun, repositories, ...(plan.registryProblems.length ? { registryProblems: plan.registryProblems } : {}), ...(freedBytes !== undefined ? { freedBytes } : {}) });
}

async function gcNotes(ctx: Context, outcomes: RepositoryOutcome[], clientFor: (a: string) => Promise<RegistryClient>): Promise<void> {
  const registries = [...new Set(outcomes.filter((o) => o.result && o.result.deleted.length > o.result.alreadyGone.length).map((o) => o.target.registry))];
  for (const address of registries) {
    const note = await afterDeletion(await clientFor(address)).catch(() => undefined);
    if (note) ctx.io.stderr(`${address}: ${note}\n`);
  }
}

/** Before asking: what an undo cannot bring back on each service the plan deletes from (GHCR, Docker Hub). */
async function undoNotes(ctx: Context, plan: PolicyPlan, clientFor: (a: string) => Promise<RegistryClient>, json: boolean): Promise<void> {
  const registries = [...new Set(plan.repositories.filter((r) => r.preview && pruneDeletions(r.preview).length > 0).map((r) => r.target.registry))];
  for (const address of registries) {
    const note = await undoNote(await clientFor(address));
    if (note && json) ctx.io.stderr(`${address}: ${note}\n`);
    else if (note) ctx.io.stdout(`${address}: ${note}\n`);
  }
}

export async function apply(ctx: Context): Promise<number> {
  if (ctx.args.positionals.length) throw badInput(`unexpected argument "${ctx.args.positionals[0]}"`, 'Give the policy file with --policy <file> (default registry-retention.yaml).');
  const file = flag(ctx.args, 'policy') ?? DEFAULT_POLICY_FILE;
  const document = await loadPolicy(file); // a bad policy fails here, naming the line and the field, before any request
  const repoConcurrency = intFlag(ctx.args, 'concurrency', 1, 64);
  const scan = await protection(ctx, file);
  const json = has(ctx.args, 'json');
  const dryRun = has(ctx.args, 'dry-run');
  const pool = clientPool(ctx);
  try {
    const plan = await planPolicy(document, {
      clientFor: pool.clientFor,
      protectionFor: (host, repository) => protectionFor(scan, host, repository),
      concurrency: repoConcurrency,
      withFreed: wantsFreed(ctx),
      withManifests: !has(ctx.args, 'no-journal'),
      signal: ctx.io.interrupt,
      onRepository: progress(ctx.io, 'planning repositories'),
    });
    if (!json) printPlan(ctx, plan);
    const t = policyTotals(plan);
    const finish = (outcomes: RepositoryOutcome[]): number => {
      if (json) printJsonReport(ctx, plan, dryRun, outcomes);
      return planFailed(plan) || outcomes.some(outcomeFailed) ? EXIT_FAILED : EXIT_OK;
    };
    if (dryRun || t.images + t.untagged === 0) {
      if (!json) ctx.io.stdout(dryRun ? 'Dry run: nothing was deleted.\n' : 'Nothing to delete.\n');
      return finish([]);
    }
    await undoNotes(ctx, plan, pool.clientFor, json);
    const answer = await confirmOrRefuse(ctx, `Delete ${t.images} image(s) (${t.tags} tag(s))${t.untagged ? ` and ${t.untagged} untagged manifest(s)` : ''} across ${t.repositories} repositories?`);
    const stop = notConfirmed(ctx, answer, 'Nothing was deleted.');
    if (stop !== undefined) return stop === EXIT_OK ? finish([]) : stop;
    const report = progress(ctx.io, 'repositories done');
    // One journal entry per repository, begun as its run starts (regx restore <id> undoes it).
    const journals = new Map<string, JournalRecorder | undefined>();
    const outcomes = await executePolicy(plan, {
      clientFor: pool.clientFor,
      concurrency: repoConcurrency,
      signal: ctx.io.interrupt,
      onRepository: (done, total) => report(done, total),
      execute: async (target) => {
        const journal = await beginJournal(ctx, { ...parseRegistry(target.registry), repository: target.repository }, 'apply');
        journals.set(`${target.host}/${target.repository}`, journal);
        return { journal, confirmation: answer === 'yes' ? 'pre-approved' : 'interactive', maxStalenessMs: maxStaleness(ctx), signal: ctx.io.interrupt };
      },
    });
    reportOutcomes(ctx, outcomes, json);
    if (!json) for (const o of outcomes) if (o.result) undoHint(ctx, journals.get(where(o)), o.result, `${where(o)}: `);
    await gcNotes(ctx, outcomes, pool.clientFor);
    return finish(outcomes);
  } finally {
    await pool.close();
  }
}

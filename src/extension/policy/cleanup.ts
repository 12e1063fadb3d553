// A planned policy as the Cleanup Preview takes it: one group per repository (its plan, the rule that planned it, its
// client and its run through the engine's executor), one per registry that could not be listed or reached, and what
// happens after the run (the tree forgets those repositories, lost tags are told, a summary when nobody looks at the
// panel). Each repository runs through commands/cleanup-run.ts, as a prune does.
import * as vscode from 'vscode';
import {
  errorSentence,
  summarizePlan,
  type ApplyTarget,
  type PolicyPlan,
  type PolicyRule,
  type RegistryProblem,
  type RepositoryPlan,
} from '../../engine';
import { reportLostTags } from '../commands/feedback';
import { currentSettings, type Explorer } from '../explorer';
import { keyOfAddress } from '../model/settings';
import { runApprovedCleanup, tellRun } from '../commands/cleanup-run';
import { undoOf } from '../commands/undo';
import { policyWords, type CleanupGroup, type GroupedCleanupRequest, type GroupResult, type RunFeedback } from '../preview';
import { notify } from '../ui';
import type { PlannedPolicy } from './plan';

const t = vscode.l10n.t;

export const whereOf = (target: ApplyTarget): string => `${target.host}/${target.repository}`;

/** "rule 1 (line 3): range <2.0.0 · keep 2 newest · untagged manifests too". */
export function ruleWords(rule: PolicyRule): string {
  const parts = [policyWords(rule.tags, rule.untagged === 'delete')];
  if (!rule.tags && rule.olderThan) parts.push(t('older than {0}', rule.olderThan));
  if (rule.referrers === 'keep') parts.push(t('signatures and SBOMs kept'));
  return t('rule {0} (line {1}): {2}', rule.index + 1, rule.line, parts.filter(Boolean).join(' · '));
}

function repositoryGroup(explorer: Explorer, planned: PlannedPolicy, r: RepositoryPlan): CleanupGroup {
  const { target } = r;
  const client = planned.clients.get(target.host);
  return {
    registry: target.host,
    where: whereOf(target),
    preview: r.preview,
    ...(r.error ? { error: errorSentence(r.error) } : {}),
    rule: ruleWords(target.rule),
    client,
    remove: client ? (approved, watch) => runApprovedCleanup(explorer, client, { registry: target.host, repository: target.repository, operation: 'apply' }, approved, watch) : undefined,
  };
}

function linesWords(lines: readonly number[]): string {
  return lines.length === 1 ? t('the rule on line {0}', lines[0]) : t('the rules on lines {0}', lines.join(', '));
}

/** A registry that could not be reached or listed: a header with its error, no rows. */
function registryGroup(p: RegistryProblem): CleanupGroup {
  return { registry: keyOfAddress(p.registry), where: p.registry, error: errorSentence(p.error), rule: linesWords(p.lines) };
}

/** "3 repositories planned by 2 rules · what the workspace deploys is kept": the panel's line under its title. */
function planWords(plan: PolicyPlan): string {
  const repositories = plan.repositories.length === 1 ? t('1 repository') : t('{0} repositories', plan.repositories.length);
  const count = new Set(plan.repositories.map((r) => r.target.rule.index)).size;
  const rules = count === 1 ? t('1 rule') : t('{0} rules', count);
  return t('{0} planned by {1} · what the workspace deploys is kept', repositories, rules);
}

/** The Cleanup Preview request of a planned policy: `confirmAtOnce` for Apply. */
export function policyCleanup(explorer: Explorer, planned: PlannedPolicy, key: string, file: string, apply: boolean): GroupedCleanupRequest {
  const groups = [...planned.plan.repositories.map((r) => repositoryGroup(explorer, planned, r)), ...planned.plan.registryProblems.map(registryGroup)];
  const summary = groups.length === 1 ? `${groups[0].where} · ${groups[0].rule}` : planWords(planned.plan);
  return {
    key,
    where: file,
    summary,
    groups,
    concurrency: currentSettings().concurrency,
    extensionUri: explorer.context.extensionUri,
    log: explorer.log,
    confirmAtOnce: apply,
    finished: (results, tell) => finished(explorer, file, results, tell),
  };
}

/** After the run: the tree forgets the repositories that ran, lost tags are told, the summary is logged (and shown when `tell`). */
function finished(explorer: Explorer, file: string, results: readonly GroupResult[], tell: boolean): RunFeedback {
  const undo = undoOf(explorer, ...results.map((r) => r.result));
  const sum = { fresh: 0, gone: 0, skipped: 0, failed: 0 };
  const freed = new Set<string>();
  for (const { group, approved, result } of results) {
    explorer.tree.forgetRepository(group.registry, approved.repository);
    const fresh = result.deleted.length - result.alreadyGone.length;
    if (fresh > 0) freed.add(group.registry);
    sum.fresh += fresh;
    sum.gone += result.alreadyGone.length;
    sum.skipped += result.skipped.length;
    sum.failed += result.failed.length;
    explorer.log.info(`applied ${file} to ${group.where}: ${fresh} deleted, ${result.skipped.length} skipped, ${result.failed.length} failed${result.cancelled ? ', cancelled' : ''}`);
    if (result.stoppedBy) explorer.log.error(`${group.where}: ${errorSentence(result.stoppedBy)}`);
    reportLostTags(explorer, group.where, result.lostTags);
  }
  return tellRun(
    explorer,
    {
      message: t('Applied {0} to {1} repositories: {2} deleted, {3} skipped, {4} failed.', file, results.length, sum.fresh, sum.skipped, sum.failed),
      gone: sum.gone,
      cancelled: results.some((r) => r.result.cancelled),
      freedIn: [...freed],
      trouble: results.some((r) => r.result.failed.length > 0 || r.result.stoppedBy !== undefined),
    },
    tell,
    undo,
  );
}

/** The repositories and registries that could not be read, in one sentence (the first one told, the rest counted). */
function unreadSentence(plan: PolicyPlan): string | undefined {
  const unread = [...plan.repositories.filter((r) => r.error).map((r) => `${whereOf(r.target)}: ${errorSentence(r.error)}`), ...plan.registryProblems.map((p) => `${p.registry} (${linesWords(p.lines)}): ${errorSentence(p.error)}`)];
  if (unread.length === 0) return undefined;
  const more = unread.length > 1 ? ' ' + t('({0} more in the log.)', unread.length - 1) : '';
  return t('Could not read {0}', unread[0]) + more;
}

/** Logs every repository's plan and every problem. */
export function logPlan(explorer: Explorer, file: string, plan: PolicyPlan): void {
  for (const r of plan.repositories) {
    if (!r.preview) explorer.log.warn(`policy ${file}: ${whereOf(r.target)} (line ${r.target.rule.line}) could not be read: ${errorSentence(r.error)}`);
    else {
      const s = summarizePlan(r.preview.plan);
      explorer.log.info(`policy ${file}: ${whereOf(r.target)} (line ${r.target.rule.line}): ${s.delete} tags to delete in ${s.digests} images, ${s.keep} kept, ${s.skip} skipped`);
      for (const note of r.preview.plan.notes) explorer.log.info(`policy ${file}: ${whereOf(r.target)}: ${note}`);
    }
  }
  for (const p of plan.registryProblems) explorer.log.warn(`policy ${file}: ${p.registry} (${linesWords(p.lines)}): ${errorSentence(p.error)}`);
}

/** Nothing to delete: a notification with the counts (a warning when something could not be read), no panel. */
export function tellNothingToDelete(explorer: Explorer, file: string, plan: PolicyPlan): void {
  const read = plan.repositories.filter((r) => r.preview);
  const counts = read.map((r) => summarizePlan(r.preview!.plan));
  const keep = counts.reduce((n, s) => n + s.keep, 0);
  const skip = counts.reduce((n, s) => n + s.skip, 0);
  let message =
    plan.repositories.length === 0 && plan.registryProblems.length === 0
      ? t('Nothing to delete in {0}: no repository matches its rules.', file)
      : t('Nothing to delete in {0}: {1} repositories planned, {2} tags kept, {3} skipped.', file, read.length, keep, skip);
  const unread = unreadSentence(plan);
  if (unread) message += ' ' + unread;
  notify(unread ? 'warning' : 'info', message, [t('Show Log')], () => explorer.log.show());
}

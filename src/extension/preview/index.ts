// src/extension/preview: the Cleanup Preview, the editor panel where a prune, or a retention policy over several
// repositories, is reviewed and run. It offers reviewCleanup (one repository's plan), reviewGroupedCleanup (several,
// each under its own header: a retention policy) and cleanupBusy. The user sorts, filters, keeps rows, deletes with
// one confirmation, watches the progress, cancels; they resolve with what was approved and done. Start with panel.ts
// (the controller), then groups.ts and model.ts (repositories, rows, opt-outs, totals: plain data), run.ts (the run,
// repository by repository), protocol.ts (the messages to and from the webview), words.ts (every word shown),
// webview/main.ts (the page's script, bundled to dist/preview.js) and hook.ts (how the extension-host tests answer or
// drive it).
import * as vscode from 'vscode';
import { errorSentence } from '../../engine';
import { notify, testHooks } from '../ui';
import { confirmCleanup } from './ask';
import { allRows, groupOutcomes, groupResults, imagesToDeleteIn, keepRows, newGroups, type GroupState } from './groups';
import { chosenRows, OPEN_PANEL, previewRequest, type PreviewRequest } from './hook';
import type { RowWords } from './model';
import { cleanupBusy, showCleanupPanel, type PanelRequest } from './panel';
import { runGroups } from './run';
import type { CleanupOutcome, CleanupPreviewTestApi, CleanupRequest, GroupedCleanupOutcome, GroupedCleanupRequest } from './types';
import { policyWords } from './words';

export { cleanupBusy, OPEN_PANEL, policyWords, type CleanupOutcome, type CleanupPreviewTestApi, type CleanupRequest, type PreviewRequest };
export type { CleanupGroup, GroupedCleanupOutcome, GroupedCleanupRequest, GroupOutcome, GroupResult, RunFeedback, RunWatch } from './types';

/** The rows' fates and reasons are all the test prompt and the confirmation need: no words for dates and sizes. */
const NO_WORDS: RowWords = { ago: () => '', size: () => '', unknown: '' };

/** Shows one repository's plan in the Cleanup Preview (or, in the extension-host tests, asks 'prune.preview': see hook.ts). */
export async function reviewCleanup(request: CleanupRequest): Promise<CleanupOutcome> {
  const outcome = await review({
    key: request.where,
    where: request.where,
    summary: policyWords(request.preview.policy, request.untagged),
    groups: [{ registry: request.registry, where: request.where, preview: request.preview, rule: '', client: request.client, remove: request.remove }],
    concurrency: request.concurrency,
    extensionUri: request.extensionUri,
    log: request.log,
    single: true,
    finished: (results, tell) => (results[0] ? request.finished(results[0].result, tell) : {}),
  });
  const [group] = outcome.groups;
  return group?.result ? { preview: group.preview ?? request.preview, result: group.result } : { preview: group?.preview ?? request.preview };
}

/**
 * Shows several repositories' plans in one Cleanup Preview, grouped by repository, with one Delete and one
 * confirmation (or, in the extension-host tests, asks 'policy.preview': see hook.ts).
 */
export function reviewGroupedCleanup(request: GroupedCleanupRequest): Promise<GroupedCleanupOutcome> {
  return review({ ...request, single: false });
}

async function review(request: PanelRequest): Promise<GroupedCleanupOutcome> {
  const groups = newGroups(request.groups);
  let opened: (api: CleanupPreviewTestApi) => void = () => undefined;
  const names = request.single ? undefined : groups.map((g) => g.source.where);
  const prompt = previewRequest(request.where, allRows(groups, NO_WORDS), new Promise((resolve) => (opened = resolve)), names);
  if (testHooks.answer) {
    // Recorded only for a test: a person sees the panel, and a 10 000-row request need not stay in memory.
    testHooks.prompts.push(prompt);
    const answer = await testHooks.answer(prompt);
    if (answer !== OPEN_PANEL) return answeredByTest(request, groups, prompt, answer);
  }
  const panel = showCleanupPanel(request);
  opened(panel.testApi());
  return panel.outcome;
}

/** The test's answer as a person's choices in the panel: the rows not chosen are kept; then the confirmation and the run. */
async function answeredByTest(request: PanelRequest, groups: GroupState[], prompt: PreviewRequest, answer: unknown): Promise<GroupedCleanupOutcome> {
  const chosen = chosenRows(prompt, answer);
  if (!chosen) return groupOutcomes(groups);
  keepRows(groups, prompt.items.filter((i) => i.row.fate === 'delete' && !chosen.chosen.has(i.row.id)).map((i) => i.row));
  const ignored = prompt.items.filter((i) => i.row.fate !== 'delete' && chosen.chosen.has(i.row.id));
  if (ignored.length) request.log.info(`prune ${request.where}: not deleted although chosen (the policy keeps them): ${ignored.map((i) => i.label).join(', ')}`);
  if (imagesToDeleteIn(groups) === 0) {
    notify('info', vscode.l10n.t('Nothing left to delete in {0}.', request.where));
    return groupOutcomes(groups);
  }
  if (!(await confirmCleanup(request.single, groups, allRows(groups, NO_WORDS)))) return groupOutcomes(groups);
  for (const g of groups) g.approved = g.current;
  const quiet = () => undefined;
  await runGroups(groups, new AbortController().signal, {
    onGroup: quiet,
    onStart: quiet,
    onProgress: quiet,
    onReread: quiet,
    onCrash: (g, e) => request.log.error(`cleanup ${g.source.where} stopped: ${errorSentence(e)}`),
  });
  request.finished(groupResults(groups), true);
  return groupOutcomes(groups);
}

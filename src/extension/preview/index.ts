// src/extension/preview: the Cleanup Preview, the editor panel where a prune is reviewed and run. It offers
// reviewCleanup (show a plan; the user sorts, filters, keeps rows, deletes with one confirmation, watches the
// progress, cancels; resolves with what was approved and done) and cleanupBusy. Start with panel.ts (the
// controller), then model.ts (rows, opt-outs, totals: plain data), protocol.ts (the messages to and from the
// webview), words.ts (every word shown), webview/main.ts (the page's script, bundled to dist/preview.js) and
// hook.ts (how the extension-host tests answer or drive it).
import * as vscode from 'vscode';
import { notify, testHooks } from '../ui';
import { confirmDeletion } from './ask';
import { chosenRows, OPEN_PANEL, previewRequest, type PreviewRequest } from './hook';
import { applyOptOuts, buildRows, imagesToDelete, NO_OPT_OUTS, snapshotFacts, type OptOuts, type RowWords } from './model';
import { cleanupBusy, showCleanupPanel } from './panel';
import type { CleanupOutcome, CleanupPreviewTestApi, CleanupRequest } from './types';

export { cleanupBusy, OPEN_PANEL, type CleanupOutcome, type CleanupPreviewTestApi, type CleanupRequest, type PreviewRequest };
export type { RunWatch } from './types';

/** The rows' fates and reasons are all the test prompt and the confirmation need: no words for dates and sizes. */
const NO_WORDS: RowWords = { ago: () => '', size: () => '', unknown: '' };

/** Shows the plan in the Cleanup Preview (or, in the extension-host tests, asks 'prune.preview': see hook.ts). */
export async function reviewCleanup(request: CleanupRequest): Promise<CleanupOutcome> {
  const base = request.preview;
  const rows = buildRows(base, base, NO_OPT_OUTS, snapshotFacts(base), NO_WORDS);
  let opened: (api: CleanupPreviewTestApi) => void = () => undefined;
  const prompt = previewRequest(request.where, rows, new Promise((resolve) => (opened = resolve)));
  if (testHooks.answer) {
    // Recorded only for a test: a person sees the panel, and a 10 000-row request need not stay in memory.
    testHooks.prompts.push(prompt);
    const answer = await testHooks.answer(prompt);
    if (answer !== OPEN_PANEL) return answeredByTest(request, prompt, answer);
  }
  const panel = showCleanupPanel(request);
  opened(panel.testApi());
  return panel.outcome;
}

/** The test's answer as a person's choices in the panel: the rows not chosen are kept; then the confirmation and the run. */
async function answeredByTest(request: CleanupRequest, prompt: PreviewRequest, answer: unknown): Promise<CleanupOutcome> {
  const base = request.preview;
  const chosen = chosenRows(prompt, answer);
  if (!chosen) return { preview: base };
  const kept = prompt.items.filter((i) => i.row.fate === 'delete' && !chosen.chosen.has(i.row.id)).map((i) => i.row);
  const opted: OptOuts = { tags: new Set(kept.flatMap((r) => (r.tag !== undefined ? [r.tag] : []))), untagged: new Set(kept.flatMap((r) => (r.tag === undefined && r.digest ? [r.digest] : []))) };
  const approved = applyOptOuts(base, opted);
  const ignored = prompt.items.filter((i) => i.row.fate !== 'delete' && chosen.chosen.has(i.row.id));
  if (ignored.length) request.log.info(`prune ${request.where}: not deleted although chosen (the policy keeps them): ${ignored.map((i) => i.label).join(', ')}`);
  if (imagesToDelete(approved) === 0) {
    notify('info', vscode.l10n.t('Nothing left to delete in {0}.', request.where));
    return { preview: approved };
  }
  const approvedRows = buildRows(base, approved, opted, snapshotFacts(base), NO_WORDS);
  if (!(await confirmDeletion(request.registry, request.where, approved, approvedRows))) return { preview: approved };
  const result = await request.remove(approved, {});
  request.finished(result, true);
  return { preview: approved, result };
}

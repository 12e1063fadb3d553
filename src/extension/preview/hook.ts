// How the extension-host tests answer the Cleanup Preview without a webview, through ui.ts's testHooks (see the
// comment at the top of ui.ts; ui.ts itself is not changed). The preview asks a prompt of kind pickMany whose items
// are its rows: 'prune.preview' for one repository (label: the tag, or "untagged sha256:…"), 'policy.preview' for
// several (label: "host/repository:tag", or "host/repository untagged sha256:…"); description: the reason with the
// fate in front; detail: the digest; picked: the row would be deleted. The test's answer is:
//   - the rows (items or labels) to delete: every other row that would be deleted is kept (opted out, planned
//     again from the same read, as a person unticking it would); rows the policy keeps or skips are not deleted
//     even when listed. Then comes the one confirmation ('prune.confirm', or 'policy.confirm' for several
//     repositories) and the run, repository by repository.
//   - undefined: the preview was closed; nothing is deleted.
//   - OPEN_PANEL: the real panel opens; `request.panel` resolves with its test API (types.ts), so the test can read
//     what it shows and post what a person would click. The confirmation is still 'prune.confirm' or
//     'policy.confirm' (Apply asks it as soon as the panel opens).
import * as vscode from 'vscode';
import type { PromptRequest } from '../ui';
import type { Row } from './protocol';
import type { CleanupPreviewTestApi } from './types';
import { rowName } from './words';

const t = vscode.l10n.t;

/** The answer to 'prune.preview' that opens the real panel in a test. */
export const OPEN_PANEL = 'open the Cleanup Preview panel';

export interface PreviewItem extends vscode.QuickPickItem {
  row: Row;
}

export interface PreviewRequest extends PromptRequest {
  id: 'prune.preview' | 'policy.preview';
  kind: 'pickMany';
  items: PreviewItem[];
  /** Resolves with the panel's test API once it opens (when the answer was OPEN_PANEL). */
  panel: Promise<CleanupPreviewTestApi>;
}

/** The prompt for `rows`; `groups` (the repositories' names, by group index) when the preview holds several. */
export function previewRequest(where: string, rows: readonly Row[], panel: Promise<CleanupPreviewTestApi>, groups?: readonly string[]): PreviewRequest {
  const label = (row: Row) => {
    if (!groups) return row.tag ?? t('untagged {0}', rowName(row));
    const repository = groups[row.group ?? 0];
    return row.tag !== undefined ? `${repository}:${row.tag}` : `${repository} ${t('untagged {0}', rowName(row))}`;
  };
  const items = rows.map(
    (row): PreviewItem => ({
      label: label(row),
      description: `${row.fate}: ${row.reason}`,
      detail: row.digest,
      picked: row.fate === 'delete',
      row,
    }),
  );
  const id = groups ? 'policy.preview' : 'prune.preview';
  return { id, kind: 'pickMany', title: t('Cleanup Preview — {0}', where), message: t('The rows to delete; the others are kept.'), items, panel };
}

/** The test's answer as the rows it lets go; undefined when it closed the preview. Throws on an answer that is no row. */
export function chosenRows(request: PreviewRequest, answer: unknown): { chosen: Set<number> } | undefined {
  if (answer === undefined || answer === null) return undefined;
  if (!Array.isArray(answer)) throw new Error(`test answer for ${request.id} must be a list of rows, or OPEN_PANEL`);
  const chosen = new Set<number>();
  for (const a of answer) {
    const label = typeof a === 'string' ? a : (a as { label?: unknown })?.label;
    const hit = request.items.find((i) => i === a) ?? request.items.find((i) => i.label === label);
    if (!hit) throw new Error(`test answer ${JSON.stringify(label)} is not one of the rows`);
    chosen.add(hit.row.id);
  }
  return { chosen };
}

// The editor side of a retention policy: its CodeLenses and diagnostics, and the Preview and Apply commands.
// Preview/Apply: find the policy (the lens's file, the active editor, the workspace's registry-retention.yaml), read
// the editor's text (unsaved edits included) with the engine's parsePolicy — a file with problems reads nothing from
// any registry — then plan every repository under a cancellable progress notification (plan.ts) and open the Cleanup
// Preview grouped by repository (cleanup.ts). Preview: the user reviews, keeps rows, presses Delete, confirms once.
// Apply: the same panel asks its one confirmation at once. Nothing to delete: a notification, no panel.
import * as vscode from 'vscode';
import { DEFAULT_POLICY_FILE, errorSentence, parsePolicy, policyTotals, type PolicyPlan, type PolicyProblem } from '../../engine';
import { currentSettings, type Explorer } from '../explorer';
import { cleanupBusy, reviewGroupedCleanup, type GroupOutcome } from '../preview';
import { notify } from '../ui';
import { logPlan, policyCleanup, tellNothingToDelete } from './cleanup';
import { PolicyDiagnostics, problemText } from './diagnostics';
import { createPolicyFile, findPolicy, POLICY_SELECTOR, policyLabel } from './files';
import { PolicyLensProvider } from './lens';
import { planWithProgress } from './plan';

const t = vscode.l10n.t;

/** What Preview or Apply did: the file's problems, or its plan and what each repository ended with. */
export interface PolicyOutcome {
  file: string;
  problems: PolicyProblem[];
  /** Undefined when the file had problems, or planning was cancelled or failed. */
  plan?: PolicyPlan;
  /** Each repository (and unreadable registry) as the Cleanup Preview ended; undefined when no panel opened. */
  repositories?: GroupOutcome[];
}

export class PolicyEditor implements vscode.Disposable {
  private readonly diagnostics = new PolicyDiagnostics();
  private readonly lenses: vscode.Disposable;

  constructor(private readonly explorer: Explorer) {
    this.lenses = vscode.languages.registerCodeLensProvider(POLICY_SELECTOR, new PolicyLensProvider());
  }

  /** Preview: every repository's plan in the Cleanup Preview; deleting waits for Delete and one confirmation. */
  preview(uri?: unknown): Promise<PolicyOutcome | undefined> {
    return this.run(uri, false);
  }

  /** Apply: the same panel, asking its one confirmation at once. */
  apply(uri?: unknown): Promise<PolicyOutcome | undefined> {
    return this.run(uri, true);
  }

  private async run(arg: unknown, apply: boolean): Promise<PolicyOutcome | undefined> {
    const given = arg instanceof vscode.Uri ? arg : undefined;
    const found = await findPolicy(given).catch((e: unknown) => {
      notify('error', t('Could not open the policy file {0}: {1}', given ? policyLabel(given) : DEFAULT_POLICY_FILE, errorSentence(e)));
      return undefined;
    });
    if (!found) return undefined;
    if (!('document' in found)) return this.tellMissing(found.lookedFor);
    const { document: text } = found;
    const file = policyLabel(text.uri);
    const { document, problems } = parsePolicy(text.getText(), file);
    this.diagnostics.show(text, problems);
    if (!document) {
      this.tellProblems(file, problems);
      return { file, problems };
    }
    const key = `policy:${text.uri.toString()}`;
    if (cleanupBusy(key)) {
      notify('info', t('The Cleanup Preview of {0} is deleting: wait for it to finish, or cancel it there.', file));
      return { file, problems };
    }
    const planned = await planWithProgress(this.explorer, document, file);
    if (!planned) return { file, problems };
    const { plan } = planned;
    logPlan(this.explorer, file, plan);
    const totals = policyTotals(plan);
    if (totals.images + totals.untagged === 0) {
      tellNothingToDelete(this.explorer, file, plan);
      return { file, problems, plan };
    }
    if (cleanupBusy(key)) return { file, problems, plan }; // it started deleting while this one was reading
    const outcome = await reviewGroupedCleanup(policyCleanup(this.explorer, planned, key, file, apply));
    return { file, problems, plan, repositories: outcome.groups };
  }

  /** The file has problems: the first one named (line and field), nothing read from any registry. */
  private tellProblems(file: string, problems: readonly PolicyProblem[]): void {
    const [first] = problems;
    const more = problems.length > 1 ? ' ' + t('({0} more problems.)', problems.length - 1) : '';
    const message = t('Line {0} of {1}: {2}', first.line, file, problemText(first)) + more + ' ' + t('Nothing was read from any registry.');
    this.explorer.log.warn(message);
    notify('error', message, [t('Show Problems')], () => vscode.commands.executeCommand('workbench.actions.view.problems'));
  }

  /** No policy file: say which file was looked for, and offer to create one from a commented template. */
  private tellMissing(lookedFor: readonly vscode.Uri[]): undefined {
    const create = t('Create {0}', DEFAULT_POLICY_FILE);
    const registry = currentSettings().registries[0]?.key ?? 'registry.example.com';
    const message = lookedFor.length
      ? t('No retention policy: {0} does not exist. Open a policy file, or create one.', lookedFor.map((u) => u.fsPath).join(', '))
      : t('No retention policy: open a policy file ({0}), or a folder that has one.', DEFAULT_POLICY_FILE);
    notify('error', message, [create], () => createPolicyFile(vscode.workspace.workspaceFolders?.[0]?.uri, registry));
    return undefined;
  }

  dispose(): void {
    this.lenses.dispose();
    this.diagnostics.dispose();
  }
}

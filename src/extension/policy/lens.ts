// The CodeLenses of a policy file: "Preview" and "Apply" on its `rules:` line (on line 1 when the file is too broken
// to find it). They run registryExplorer.previewPolicy and registryExplorer.applyPolicy with the file.
import * as vscode from 'vscode';
import { isPolicyFile, rulesLine } from './files';

const t = vscode.l10n.t;

export class PolicyLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!isPolicyFile(document.uri)) return [];
    const line = rulesLine(document.getText()) ?? 0;
    const range = new vscode.Range(line, 0, line, 0);
    return [
      new vscode.CodeLens(range, {
        title: t('Preview'),
        tooltip: t('Read every repository this policy names and show what it would delete, grouped by repository. Nothing is deleted.'),
        command: 'registryExplorer.previewPolicy',
        arguments: [document.uri],
      }),
      new vscode.CodeLens(range, {
        title: t('Apply'),
        tooltip: t('Plan every repository this policy names, then delete after one confirmation, with progress and Cancel.'),
        command: 'registryExplorer.applyPolicy',
        arguments: [document.uri],
      }),
    ];
  }
}

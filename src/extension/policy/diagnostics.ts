// The extension's own diagnostics for policy files, so errors show without Red Hat's YAML extension (which checks the
// contributed JSON Schema): the engine's parsePolicy on open and on change (debounced), each problem at its line and
// column with the field, the message and the fix, from "Registry Explorer". Closing the file clears them.
import * as vscode from 'vscode';
import { parsePolicy, type PolicyProblem } from '../../engine';
import { isPolicyFile, policyLabel } from './files';

const DEBOUNCE_MS = 300;
export const DIAGNOSTIC_SOURCE = 'Registry Explorer';

/** "rules[1].keepPer: keepPer must be major or minor. Use one of them." */
export function problemText(p: PolicyProblem): string {
  const field = p.field ? `${p.field}: ` : '';
  const message = /[.!?]$/.test(p.message) ? p.message : `${p.message}.`;
  return p.fix ? `${field}${message} ${p.fix}` : `${field}${message}`;
}

/** The problem's span (1-based, end exclusive) in the document; an empty one reaches to the end of its line. */
function rangeOf(document: vscode.TextDocument, p: PolicyProblem): vscode.Range {
  const start = document.validatePosition(new vscode.Position(p.line - 1, p.column - 1));
  const end = document.validatePosition(new vscode.Position(p.endLine - 1, p.endColumn - 1));
  if (end.isAfter(start)) return new vscode.Range(start, end);
  return new vscode.Range(start, document.lineAt(start.line).range.end);
}

export function toDiagnostic(document: vscode.TextDocument, p: PolicyProblem): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(rangeOf(document, p), problemText(p), vscode.DiagnosticSeverity.Error);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  return diagnostic;
}

export class PolicyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('registryExplorer.policy');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.checkSoon(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
    ];
    // The files open already, after activation (which stays quick).
    setTimeout(() => vscode.workspace.textDocuments.forEach((d) => this.check(d)), 0);
  }

  /** Parses a policy file now and shows its problems; the problems, or undefined when it is no policy file. */
  check(document: vscode.TextDocument): PolicyProblem[] | undefined {
    if (!isPolicyFile(document.uri) || document.isClosed) return undefined;
    this.cancelTimer(document.uri);
    const { problems } = parsePolicy(document.getText(), policyLabel(document.uri));
    this.show(document, problems);
    return problems;
  }

  show(document: vscode.TextDocument, problems: readonly PolicyProblem[]): void {
    this.collection.set(document.uri, problems.map((p) => toDiagnostic(document, p)));
  }

  private checkSoon(document: vscode.TextDocument): void {
    if (!isPolicyFile(document.uri)) return;
    this.cancelTimer(document.uri);
    this.timers.set(document.uri.toString(), setTimeout(() => this.check(document), DEBOUNCE_MS));
  }

  private cancelTimer(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  private forget(document: vscode.TextDocument): void {
    this.cancelTimer(document.uri);
    this.collection.delete(document.uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const s of this.subscriptions) s.dispose();
  }
}

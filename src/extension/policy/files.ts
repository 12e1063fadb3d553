// Which files are retention policies (registry-retention.yaml, .yml, .json, and *.registry-retention.yaml and the
// like), where the `rules:` line is (the CodeLenses sit there), which policy a command means (the lens's file, the
// active editor, the workspace folder's registry-retention.yaml), and a commented template to start one from.
import * as vscode from 'vscode';
import { DEFAULT_POLICY_FILE } from '../../engine';

/** `registry-retention.yaml` and `.yml`, `.json`, also with a prefix: `prod.registry-retention.yaml`. */
const POLICY_NAME = /^(?:.+\.)?registry-retention\.(?:ya?ml|json)$/;

/** The documents the CodeLenses and diagnostics are for. */
export const POLICY_SELECTOR: vscode.DocumentFilter[] = [{ pattern: '**/registry-retention.{yaml,yml,json}' }, { pattern: '**/*.registry-retention.{yaml,yml,json}' }];

export function fileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

export function isPolicyFile(uri: vscode.Uri): boolean {
  return POLICY_NAME.test(fileName(uri));
}

/** The file as messages name it: relative to its workspace folder. */
export function policyLabel(uri: vscode.Uri): string {
  return uri.scheme === 'untitled' ? fileName(uri) : vscode.workspace.asRelativePath(uri, false);
}

/** The top-level `rules:` key in YAML or JSON (`rules:`, `"rules":`, `{ "rules": [`), not in a comment. */
const RULES_KEY = /(?:^|[{,])\s*(?:"rules"|'rules'|rules)\s*:/;

/** The 0-based line of the `rules:` key, or undefined when the file is too broken to find it. */
export function rulesLine(text: string): number | undefined {
  const i = text.split(/\r?\n/).findIndex((line) => RULES_KEY.test(line));
  return i < 0 ? undefined : i;
}

export type FoundPolicy = { document: vscode.TextDocument } | { lookedFor: vscode.Uri[] };

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * The policy a command is about: the file it was given (the CodeLens's), else the active editor's when it is a policy
 * file, else the first workspace folder's registry-retention.yaml. Its text is the editor's, unsaved edits included.
 */
export async function findPolicy(given?: vscode.Uri): Promise<FoundPolicy> {
  if (given) return { document: await vscode.workspace.openTextDocument(given) };
  const active = vscode.window.activeTextEditor?.document;
  if (active && isPolicyFile(active.uri)) return { document: active };
  const lookedFor = (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, DEFAULT_POLICY_FILE));
  for (const uri of lookedFor) if (await exists(uri)) return { document: await vscode.workspace.openTextDocument(uri) };
  return { lookedFor };
}

/** A policy to start from: every key explained, one rule for `registry` (the first in the Registries view). */
export function policyTemplate(registry: string): string {
  return [
    '# Registry Explorer retention policy: which images each repository keeps.',
    '# Preview (above the rules) shows every repository’s plan and deletes nothing; Apply deletes after one confirmation.',
    '# Images this workspace deploys (Dockerfiles, compose files, Kubernetes manifests, Helm values, CI files) are always kept.',
    '# The first rule that matches a repository plans it; later rules never touch it.',
    'rules:',
    `  - registry: ${registry}          # as in the Registries view: host[:port]`,
    '    repositories: ["team/*"]       # globs over repository names',
    '    semver: "<2.0.0"               # the versions that may be deleted',
    '    keep: 3                        # the newest versions in that range that stay',
    '    keepPer: major                 # count keep per major (or minor) version line',
    '    protect: ["^latest$"]          # tags never deleted (regular expressions)',
    '    # prerelease: true             # count prereleases (1.0.0-rc.1) as versions too',
    '    # olderThan: 30d               # delete only images older than this',
    '    untagged: keep                 # delete: untagged manifests go too (by olderThan)',
    '    referrers: follow              # signatures and SBOMs follow their image; keep: they all stay',
    '',
  ].join('\n');
}

/** Writes the template as `folder`/registry-retention.yaml (unless it exists) and opens it. */
export async function createPolicyFile(folder: vscode.Uri | undefined, registry: string): Promise<vscode.TextEditor> {
  if (!folder) return vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'yaml', content: policyTemplate(registry) }));
  const uri = vscode.Uri.joinPath(folder, DEFAULT_POLICY_FILE);
  if (!(await exists(uri))) await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(policyTemplate(registry)));
  return vscode.window.showTextDocument(uri);
}

// What the open workspace deploys (its Dockerfiles, compose files, Kubernetes manifests, Helm values, CI files),
// read by the engine's scanner (src/protect) from the workspace folders, and kept for a short while: Delete Image
// warns about an image the workspace deploys (the user may still go ahead), and prune keeps it.
import * as vscode from 'vscode';
import { protectionFor, scanWorkspaces, type DeployScan, type Protection } from '../../engine';

/** How long one scan of the workspace is used before it is read again. */
const FRESH_MS = 60_000;

let cached: { at: number; scan: Promise<DeployScan> } | undefined;
let watching = false;

/** A change to a file the scanner reads makes the next scan fresh (not at every prune: only after a change). */
function watchOnce(): void {
  if (watching) return;
  watching = true;
  const watcher = vscode.workspace.createFileSystemWatcher('**/{Dockerfile*,Containerfile*,*.yml,*.yaml}');
  const forget = (): void => void (cached = undefined);
  watcher.onDidCreate(forget);
  watcher.onDidChange(forget);
  watcher.onDidDelete(forget);
}

function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

/** The workspace's scan, read again when older than FRESH_MS; an empty scan without a workspace or on failure. */
async function workspaceScan(): Promise<DeployScan> {
  const roots = workspaceRoots();
  if (roots.length === 0) return { refs: [], skipped: [] };
  watchOnce();
  if (!cached || Date.now() - cached.at > FRESH_MS) cached = { at: Date.now(), scan: scanWorkspaces(roots).catch(() => ({ refs: [], skipped: [] })) };
  return cached.scan;
}

/** The tags and digests of `registry/repository` the workspace deploys, each with "used in file:line". */
export async function deployedIn(registry: string, repository: string): Promise<Protection> {
  return protectionFor(await workspaceScan(), registry, repository);
}

/**
 * The workspace's scan itself, for a plan over many repositories (a retention policy): read once, then the engine's
 * protectionFor with it for each repository, as deployedIn does for one.
 */
export function deployedScan(): Promise<DeployScan> {
  return workspaceScan();
}

/** Forgets the last scan (a test wrote the workspace's files). */
export function forgetDeployed(): void {
  cached = undefined;
}

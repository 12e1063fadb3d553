// What the open workspace deploys (its Dockerfiles, compose files, Kubernetes manifests, Helm values, CI files),
// read by the engine's scanner (src/protect) from the workspace folders, and kept for a short while: Delete Image
// warns about an image the workspace deploys (the user may still go ahead), and prune keeps it. Files and folders
// the scan could not read are told once; a scan that fails stops the cleanup.
import * as vscode from 'vscode';
import { protectionFor, scanWorkspaces, type DeployScan, type Protection } from '../../engine';
import { notify } from '../ui';

const t = vscode.l10n.t;

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

/** The unread paths last told about, so the same ones are told once per window. */
let toldUnread = '';

/** Tells, once per set, which files and folders the scan could not read: what they deploy is not protected. */
function tellUnread(scan: DeployScan): void {
  const key = scan.unread.map((u) => `${u.path}\0${u.why}`).join('\n');
  if (key === '' || key === toldUnread) return;
  toldUnread = key;
  const first = scan.unread.slice(0, 3).map((u) => t('{0} ({1})', u.path, u.why));
  const more = scan.unread.length > first.length ? t(' and {0} more', scan.unread.length - first.length) : '';
  notify('warning', t('Registry Explorer could not read {0} of the workspace, so the images named there are not protected from cleanups: {1}{2}.', scan.unread.length === 1 ? t('1 file or folder') : t('{0} files or folders', scan.unread.length), first.join(', '), more));
}

/**
 * The workspace's scan, read again when older than FRESH_MS; an empty scan without a workspace. SAFETY: a scan that
 * fails is the caller's error (the cleanup stops), never an empty scan that protects nothing.
 */
async function workspaceScan(): Promise<DeployScan> {
  const roots = workspaceRoots();
  if (roots.length === 0) return { refs: [], skipped: [], unread: [] };
  watchOnce();
  if (!cached || Date.now() - cached.at > FRESH_MS) {
    const scan = scanWorkspaces(roots);
    const entry = { at: Date.now(), scan };
    cached = entry;
    scan.then(tellUnread, () => {
      if (cached === entry) cached = undefined; // read again next time
    });
  }
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

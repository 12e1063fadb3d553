// Scans a folder for the image references the workspace deploys: Dockerfiles, compose files, Kubernetes
// manifests, Helm values, GitHub Actions workflows and GitLab CI. node_modules and .git are left out; links are
// followed within the folder; a reference with a variable in it is reported as skipped, never guessed; a file or
// folder that cannot be read (permission denied, over 8 MB, a link to nothing) is reported as unread, never taken
// in silence as deploying nothing.
import { promises as fs, type Dirent, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { mapLimit } from '../registry/concurrency';
import { badInput } from '../registry/errors';
import { parseReference } from '../registry/reference';
import { dockerfileImageTexts } from './dockerfile';
import type { DeployScan, FoundText, UnreadPath } from './types';
import { yamlImageTexts } from './yaml-lines';

const SKIP_DIRS = new Set(['node_modules', '.git']);
/** Larger files are noted as unread: a generated bundle of manifests stays well under this. */
const MAX_BYTES = 8 * 1024 * 1024;
/** Files read at once: enough to keep the disk busy, well under the open-file limit. */
const READS_AT_ONCE = 64;
const VARIABLE = /\$\{|\$[A-Za-z_]|\{\{|\}\}/;

type Kind = 'dockerfile' | 'yaml' | 'workflow';

/** How a file is read, by its name and place (`rel` uses forward slashes); undefined when it is not read. */
export function fileKind(rel: string): Kind | undefined {
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  if (/^(Dockerfile|Containerfile)(\..*)?$/i.test(name) || /\.(dockerfile|containerfile)$/i.test(name)) return 'dockerfile';
  if (!/\.ya?ml$/i.test(name)) return undefined;
  return /(^|\/)\.github\/workflows\/[^/]+$/.test(rel) ? 'workflow' : 'yaml';
}

/** What the scan needs of the file system: node's, or in tests a FAKE one that fails where told to. */
export type ScanFs = Pick<typeof fs, 'readdir' | 'stat' | 'realpath' | 'readFile'>;

/** One walk of a folder: where it started, the link targets already walked (no loops), and what could not be read. */
interface Walk {
  root: string;
  realRoot: string;
  fs: ScanFs;
  linkTargets: Set<string>;
  unread: UnreadPath[];
}

const relOf = (w: Walk, full: string): string => relative(w.root, full).split(sep).join('/');

function unreadable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'a link to nothing, or removed while the scan read it';
  if (code === 'ELOOP') return 'a loop of links';
  return code ? `cannot be read (${code})` : 'cannot be read';
}

/** A file the scan reads: its path, its path relative to the root, how it is read, and its size when already known. */
interface ScanFile {
  full: string;
  rel: string;
  kind: Kind;
  size?: number;
}

/**
 * The files the scan reads under `dir`, depth first in name order (folders are read side by side; the order is
 * kept). A folder below the root that cannot be read is noted in `w.unread`, and the rest is still read.
 */
async function listFiles(w: Walk, dir: string): Promise<ScanFile[]> {
  let entries: Dirent[];
  try {
    entries = await w.fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (dir === w.root) throw e;
    w.unread.push({ path: relOf(w, dir), why: unreadable(e) });
    return [];
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // The folder's real path, read once and only when one of its links names a folder.
  let real: Promise<string | undefined> | undefined;
  const realDir = (): Promise<string | undefined> => (real ??= w.fs.realpath(dir).catch(() => undefined));
  const parts = await Promise.all(entries.map((e) => entryFiles(w, join(dir, e.name), e, realDir)));
  return parts.flat();
}

async function entryFiles(w: Walk, full: string, e: Dirent, realDir: () => Promise<string | undefined>): Promise<ScanFile[]> {
  if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : listFiles(w, full);
  if (!e.isFile() && !e.isSymbolicLink()) return [];
  const rel = relOf(w, full);
  const kind = fileKind(rel);
  if (e.isFile()) return kind ? [{ full, rel, kind }] : [];
  return linkFiles(w, { full, rel, kind }, e.name, realDir);
}

/**
 * A symbolic link, as the editor's file search takes it: a file it names is read under the link's name; a folder
 * inside the scanned folder is walked once (each target once, and never an ancestor of the link: no loops); a folder
 * outside it is not the workspace's. A deploy file's link that leads nowhere is noted as unread.
 */
async function linkFiles(w: Walk, link: { full: string; rel: string; kind?: Kind }, name: string, realDir: () => Promise<string | undefined>): Promise<ScanFile[]> {
  const { full, rel, kind } = link;
  let target: Stats;
  try {
    target = await w.fs.stat(full); // follows the link
  } catch (e) {
    if (kind) w.unread.push({ path: rel, why: unreadable(e) });
    return [];
  }
  if (target.isFile()) return kind ? [{ full, rel, kind, size: target.size }] : [];
  if (!target.isDirectory() || SKIP_DIRS.has(name)) return [];
  const real = await w.fs.realpath(full).catch(() => undefined);
  if (real === undefined || !within(w.realRoot, real) || w.linkTargets.has(real)) return [];
  const here = await realDir();
  if (here === undefined || within(real, here)) return []; // an ancestor: walked already
  w.linkTargets.add(real);
  return listFiles(w, full);
}

/** `path` is `dir` or below it. */
function within(dir: string, path: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** A file's text; undefined (noted in `w.unread`) when it is over MAX_BYTES or cannot be read. */
async function readSmall(w: Walk, file: ScanFile): Promise<string | undefined> {
  try {
    const size = file.size ?? (await w.fs.stat(file.full)).size;
    if (size > MAX_BYTES) {
      w.unread.push({ path: file.rel, why: `over ${MAX_BYTES / (1024 * 1024)} MB, not read` });
      return undefined;
    }
    return await w.fs.readFile(file.full, 'utf8');
  } catch (e) {
    w.unread.push({ path: file.rel, why: unreadable(e) });
    return undefined;
  }
}

function texts(kind: Kind, source: string): FoundText[] {
  return kind === 'dockerfile' ? dockerfileImageTexts(source) : yamlImageTexts(source, { workflow: kind === 'workflow' });
}

/** Adds one found text to the scan: as a reference, or as skipped with why. */
function addFound(scan: DeployScan, file: string, found: FoundText): void {
  const { text, line } = found;
  if (text.startsWith('skip: ')) {
    scan.skipped.push({ file, line, text: text.slice(6), why: 'incomplete image block' });
    return;
  }
  if (VARIABLE.test(text)) {
    scan.skipped.push({ file, line, text, why: 'holds a variable that only the deploy resolves' });
    return;
  }
  try {
    const ref = parseReference(text);
    scan.refs.push({ registry: ref.host, repository: ref.repository, ...(ref.tag ? { tag: ref.tag } : {}), ...(ref.digest ? { digest: ref.digest } : {}), file, line });
  } catch {
    scan.skipped.push({ file, line, text, why: 'not an image reference' });
  }
}

/**
 * Every image reference under `root`, with its file (relative to `root`, forward slashes) and line, and the files
 * and folders that could not be read. Throws BAD_INPUT when `root` itself is not a readable folder.
 */
export async function scanWorkspace(root: string, options: { fs?: ScanFs } = {}): Promise<DeployScan> {
  const files = options.fs ?? fs;
  let w: Walk;
  let found: ScanFile[];
  try {
    if (!(await files.stat(root)).isDirectory()) throw new Error('not a folder');
    w = { root, realRoot: await files.realpath(root), fs: files, linkTargets: new Set(), unread: [] };
    found = await listFiles(w, root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : 'it is not a folder';
    throw badInput(`cannot read the folder "${root}" to protect what it deploys: ${why}`, 'Protect what a folder that exists and can be read deploys (regx: --protect-from <folder>, e.g. --protect-from . in your repository).');
  }
  // Read side by side (a bounded number open at once), then taken in the files' order.
  const sources = await mapLimit(found, READS_AT_ONCE, (file) => readSmall(w, file));
  const scan: DeployScan = { refs: [], skipped: [], unread: w.unread };
  found.forEach((file, i) => {
    const source = sources[i];
    if (source === undefined) return;
    for (const f of texts(file.kind, source)) addFound(scan, file.rel, f);
  });
  scan.unread.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return scan;
}

/** The scans of several folders as one (each file relative to its own folder). */
export async function scanWorkspaces(roots: readonly string[]): Promise<DeployScan> {
  const scans = await Promise.all(roots.map((r) => scanWorkspace(r)));
  return { refs: scans.flatMap((s) => s.refs), skipped: scans.flatMap((s) => s.skipped), unread: scans.flatMap((s) => s.unread) };
}

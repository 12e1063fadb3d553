// Scans a folder for the image references the workspace deploys: Dockerfiles, compose files, Kubernetes
// manifests, Helm values, GitHub Actions workflows and GitLab CI. node_modules, .git and files over 1 MB are
// left out; a reference with a variable in it is reported as skipped, never guessed.
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { mapLimit } from '../registry/concurrency';
import { badInput } from '../registry/errors';
import { parseReference } from '../registry/reference';
import { dockerfileImageTexts } from './dockerfile';
import type { DeployScan, FoundText } from './types';
import { yamlImageTexts } from './yaml-lines';

const SKIP_DIRS = new Set(['node_modules', '.git']);
const MAX_BYTES = 1024 * 1024;
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

/** The files the scan reads under `dir`, depth first in name order (folders are read side by side; the order is kept). */
async function listFiles(root: string, dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const parts = await Promise.all(
    entries.map(async (e): Promise<string[]> => {
      const full = join(dir, e.name);
      if (e.isDirectory() && !SKIP_DIRS.has(e.name)) return listFiles(root, full);
      return e.isFile() && fileKind(relative(root, full).split(sep).join('/')) ? [full] : [];
    }),
  );
  return parts.flat();
}

/** A file's text, or undefined when it is over MAX_BYTES or cannot be read. */
async function readSmall(full: string): Promise<string | undefined> {
  const stat = await fs.stat(full).catch(() => undefined);
  if (!stat || stat.size > MAX_BYTES) return undefined;
  return fs.readFile(full, 'utf8').catch(() => undefined);
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
 * Every image reference under `root`, with its file (relative to `root`, forward slashes) and line.
 * Throws BAD_INPUT when `root` is not a readable folder.
 */
export async function scanWorkspace(root: string): Promise<DeployScan> {
  let files: string[];
  try {
    if (!(await fs.stat(root)).isDirectory()) throw new Error('not a folder');
    files = await listFiles(root, root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : 'it is not a folder';
    throw badInput(`cannot read the folder "${root}" to protect what it deploys: ${why}`, 'Give a folder that exists and can be read, e.g. --protect-from . in your repository.');
  }
  // Read side by side (a bounded number open at once), then taken in the files' order.
  const sources = await mapLimit(files, READS_AT_ONCE, readSmall);
  const scan: DeployScan = { refs: [], skipped: [] };
  files.forEach((full, i) => {
    const source = sources[i];
    if (source === undefined) return;
    const rel = relative(root, full).split(sep).join('/');
    for (const found of texts(fileKind(rel)!, source)) addFound(scan, rel, found);
  });
  return scan;
}

/** The scans of several folders as one (each file relative to its own folder). */
export async function scanWorkspaces(roots: readonly string[]): Promise<DeployScan> {
  const scans = await Promise.all(roots.map((r) => scanWorkspace(r)));
  return { refs: scans.flatMap((s) => s.refs), skipped: scans.flatMap((s) => s.skipped) };
}

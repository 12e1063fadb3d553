// What a workspace scan protects in one repository: tags by name and images by digest, each with the file and
// line that deploys it, as the prune policy takes them (`protectedBy`, `protectedDigests`).
import { platformName } from '../prune/graph';
import type { Platform } from '../registry/types';
import type { DeployScan, DeployedRef, SkippedRef, UnreadPath } from './types';

export interface Protection {
  /** tag → "used in deploy/api.yaml:12". */
  tags: Record<string, string>;
  /** digest → "used in deploy/api.yaml:12". */
  digests: Record<string, string>;
}

function where(ref: DeployedRef): string {
  return `${ref.file}:${ref.line}`;
}

function add(into: Record<string, string>, key: string, ref: DeployedRef, counts: Map<string, number>): void {
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  if (n === 1) into[key] = `used in ${where(ref)}`;
  else into[key] = `${into[key].replace(/ \(and \d+ more\)$/, '')} (and ${n - 1} more)`;
}

/**
 * The tags and digests of `registry`/`repository` the scan finds deployed. A reference without a tag or digest
 * deploys `latest` (as docker pulls it). `registry` is `host[:port]` as the reference parser gives it.
 */
export function protectionFor(scan: DeployScan, registry: string, repository: string): Protection {
  const out: Protection = { tags: {}, digests: {} };
  const tagCounts = new Map<string, number>();
  const digestCounts = new Map<string, number>();
  for (const ref of scan.refs) {
    if (ref.registry !== registry.toLowerCase() || ref.repository !== repository) continue;
    const tag = ref.tag ?? (ref.digest ? undefined : 'latest');
    if (tag) add(out.tags, tag, ref, tagCounts);
    if (ref.digest) add(out.digests, ref.digest, ref, digestCounts);
  }
  return out;
}

/**
 * Why an image (its digest and tags; an index's platform images) must not be deleted, or undefined when the workspace
 * does not deploy it.
 */
export function protectedReason(protection: Protection, digest: string | undefined, tags: readonly string[], platforms: readonly Platform[] = []): string | undefined {
  if (digest && protection.digests[digest]) return `${digest} is ${protection.digests[digest]}`;
  const tag = tags.find((t) => protection.tags[t]);
  if (tag) return `tag ${tag} is ${protection.tags[tag]}`;
  // A multi-arch image whose platform image is deployed by digest: deleting it leaves that image to garbage collection.
  const used = platforms.find((p) => protection.digests[p.digest]);
  return used ? `its ${platformName(used)} image ${used.digest} is ${protection.digests[used.digest]}` : undefined;
}

/** A short note about skipped references: the count and the first few, one per line. */
export function skippedNote(skipped: readonly SkippedRef[], first = 3): string[] {
  if (skipped.length === 0) return [];
  const head = `${skipped.length} image reference${skipped.length === 1 ? ' was' : 's were'} not protected (not resolvable without the deploy):`;
  const lines = skipped.slice(0, first).map((s) => `  ${s.file}:${s.line} ${s.text} (${s.why})`);
  return [head, ...lines, ...(skipped.length > first ? [`  … and ${skipped.length - first} more`] : [])];
}

/** A short note about files and folders the scan could not read: the count and the first few, one per line. */
export function unreadNote(unread: readonly UnreadPath[], first = 3): string[] {
  if (unread.length === 0) return [];
  const head = `${unread.length} file${unread.length === 1 ? ' or folder' : 's or folders'} could not be read, so what ${unread.length === 1 ? 'it deploys is' : 'they deploy is'} not protected:`;
  const lines = unread.slice(0, first).map((u) => `  ${u.path} (${u.why})`);
  return [head, ...lines, ...(unread.length > first ? [`  … and ${unread.length - first} more`] : [])];
}

/** What the user should know of a scan before anything is deleted: the references skipped and the paths unread. */
export function scanNote(scan: DeployScan): string[] {
  return [...skippedNote(scan.skipped), ...unreadNote(scan.unread)];
}

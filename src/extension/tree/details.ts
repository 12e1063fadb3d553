// What the tree reads of one tag beside its digest: its manifest and created date (for the row's age and size and the
// tooltip), a multi-arch tag's platform images with their sizes, and what refers to its image. Through the engine's digest cache, so what the
// rows read, a space count or a preview does not read again. Plain data, no `vscode`.
import { digestCache, type Platform, type Referrer, type RegistryClient } from '../../engine';
import type { RepoState, TagDetails } from './repo-state';

export interface PlatformImage {
  platform: Platform;
  size?: number;
}

/** A tag's manifest and created date, read once and kept on the repository (an error is kept too). */
export async function readTagDetails(client: () => Promise<RegistryClient>, r: RepoState, repository: string, tag: string, signal: AbortSignal): Promise<TagDetails | Error | undefined> {
  const info = r.digests.get(tag);
  if (!info || info instanceof Error) return undefined;
  let details = r.details.get(tag);
  if (details) return details;
  try {
    const cache = digestCache(await client());
    const manifest = await cache.manifest(repository, info.digest, signal);
    const created = await cache.created(repository, manifest, signal).catch(() => undefined);
    details = { manifest, created };
  } catch (e) {
    if (signal.aborted) return undefined;
    details = e instanceof Error ? e : new Error(String(e));
  }
  r.details.set(tag, details);
  return details;
}

/** The platform images an index names, each with its size once its manifest is read (a few small reads). */
export async function platformImages(client: RegistryClient, repository: string, index: TagDetails, signal: AbortSignal): Promise<PlatformImage[]> {
  const cache = digestCache(client);
  const list = index.manifest.platforms ?? [];
  const sizes = await Promise.all(list.map((p) => cache.manifest(repository, p.digest, signal).then((m) => m.totalSize, () => undefined)));
  return list.map((platform, i) => ({ platform, size: sizes[i] }));
}

/** What refers to `digest`, read once per repository load (a failure is kept, and shown as a row). */
export async function readReferrers(client: () => Promise<RegistryClient>, r: RepoState, repository: string, digest: string): Promise<Referrer[] | Error> {
  const known = r.referrers.get(digest);
  if (known) return known;
  let found: Referrer[] | Error;
  try {
    // Given the tag list, the tag schema's and cosign's tags are read only where they exist.
    found = await (await client()).listReferrers(repository, digest, { tags: r.sorted });
  } catch (e) {
    found = e instanceof Error ? e : new Error(String(e));
  }
  r.referrers.set(digest, found);
  return found;
}

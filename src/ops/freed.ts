// What deleting some manifests lets garbage collection reclaim in one repository, counted from the repository's blob
// graph (plain data; no requests: space.ts reads the graph). The blobs counted are the layers, configs and the
// manifests' own bytes that the deleted manifests reference — an index through the manifests it names, nested indexes
// too — and that no manifest kept in the repository references, each digest once. Pure and fast, so the Cleanup
// Preview counts again at once when a row is kept.
//
// Invariants (test/engine/freed-properties.test.ts checks them on generated graphs):
//  1. A blob that a kept manifest references is never counted. A manifest is kept when the repository lists it (a tag
//     on it, or the provider's manifest list) and it is not deleted, and so is every manifest a kept index names —
//     even one being deleted: the index still references it, so its blobs stay.
//  2. Deleting every listed manifest frees every blob of every manifest read that they reach.
//  3. Monotone: deleting more never frees less (the counted blobs of a smaller deletion are a subset).
//  4. Each blob once: `bytes` is the sum of the sizes of distinct digests.
// What the figure cannot see is said beside it, never guessed: manifests that could not be read (`unknown`: the
// deletion frees at least `bytes`; `keptUnknown`: they may hold some of the counted blobs), untagged manifests a V2
// registry cannot list (`untaggedListed` false), and other repositories of the registry, which may share a layer
// (so a face says "up to").
import { RegistryError } from '../registry/errors';
import type { ManifestInfo } from '../registry/types';

export interface Blob {
  digest: string;
  size: number;
}

/** What one manifest references: its own bytes (a blob too), its config and layers, the manifests an index names. */
export interface ManifestBlobs {
  /** The manifest's own size in bytes. */
  size: number;
  /** Config and layers of an image; an artifact's blobs. */
  blobs: readonly Blob[];
  /** For an index: the manifests it names. */
  children: readonly string[];
}

export interface BlobGraph {
  repository: string;
  /** Every manifest the repository lists: the tagged ones and, where the provider lists them, the untagged ones. */
  listed: readonly string[];
  /** digest → what it references, for every manifest that was read (listed ones, children, and those asked for). */
  manifests: ReadonlyMap<string, ManifestBlobs>;
  /** digest → why it could not be read. */
  unreadable: ReadonlyMap<string, string>;
  /** False where untagged manifests cannot be listed (V2): one of them may keep a blob counted as freed. */
  untaggedListed: boolean;
  /** Set when no manifest was read at all, saying why (Docker Hub counts every manifest read as a pull). */
  notRead?: string;
}

export interface FreedCount {
  /** Bytes of the distinct blobs (manifests included) only the deleted manifests reference. */
  bytes: number;
  /** How many distinct blobs that is. */
  blobs: number;
  /** Manifests that go: those deleted and the manifests they name that nothing kept names. */
  manifests: number;
  /**
   * Of `bytes`, those held only by manifests that go because an index naming them goes (platform images, attestations).
   * Distribution 2.x keeps such untagged manifests, and their blobs, until garbage collection with --delete-untagged.
   */
  childBytes: number;
  /** Manifests that go but could not be read: what they hold is not counted, so the deletion frees at least `bytes`. */
  unknown: string[];
  /** Kept manifests that could not be read: some counted blob may be theirs. */
  keptUnknown: string[];
  /** As in the graph: false when the repository's untagged manifests could not be listed. */
  untaggedListed: boolean;
  /** As in the graph: set when nothing was read, saying why. */
  notRead?: string;
}

/** A count and the graph it was counted from, so that another choice of deletions can be counted again at once. */
export interface FreedSpace extends FreedCount {
  graph: BlobGraph;
}

interface Descriptor {
  digest?: unknown;
  size?: unknown;
}

function descriptors(value: unknown): Descriptor[] {
  if (Array.isArray(value)) return value.filter((d): d is Descriptor => !!d && typeof d === 'object');
  return value && typeof value === 'object' ? [value as Descriptor] : [];
}

/** What a manifest references, from its JSON. Throws for a schema1 manifest, which gives no sizes. */
export function manifestBlobs(manifest: Pick<ManifestInfo, 'kind' | 'json' | 'raw' | 'digest'>): ManifestBlobs {
  if (manifest.kind === 'schema1') throw new RegistryError('BAD_RESPONSE', `${manifest.digest} is a schema1 manifest, which gives no layer sizes`);
  const { json } = manifest;
  const blobs: Blob[] = [];
  for (const d of [...descriptors(json.config), ...descriptors(json.layers), ...descriptors(json.blobs)]) {
    if (typeof d.digest === 'string') blobs.push({ digest: d.digest, size: typeof d.size === 'number' && d.size >= 0 ? d.size : 0 });
  }
  const children = descriptors(json.manifests).flatMap((d) => (typeof d.digest === 'string' ? [d.digest] : []));
  return { size: manifest.raw.length, blobs, children };
}

/** Every manifest reachable from `starts` through the manifests indexes name, not entering `stop`. */
function reach(graph: BlobGraph, starts: Iterable<string>, stop: ReadonlySet<string>): Set<string> {
  const seen = new Set<string>();
  const todo = [...starts].filter((d) => !stop.has(d));
  while (todo.length > 0) {
    const digest = todo.pop()!;
    if (seen.has(digest)) continue;
    seen.add(digest);
    for (const child of graph.manifests.get(digest)?.children ?? []) if (!seen.has(child) && !stop.has(child)) todo.push(child);
  }
  return seen;
}

/** The blob digests (manifests' own included) the given manifests reference. */
function blobDigests(graph: BlobGraph, manifests: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const digest of manifests) {
    const m = graph.manifests.get(digest);
    if (!m) continue;
    out.add(digest);
    for (const b of m.blobs) out.add(b.digest);
  }
  return out;
}

/** Counts the blobs of `going` not in `keptBlobs`, the manifests in `first` before the others (for childBytes). */
function count(graph: BlobGraph, going: Set<string>, first: ReadonlySet<string>, keptBlobs: ReadonlySet<string>): Pick<FreedCount, 'bytes' | 'blobs' | 'childBytes' | 'unknown'> {
  const counted = new Set<string>();
  const unknown: string[] = [];
  let bytes = 0;
  let childBytes = 0;
  const ordered = [...[...going].filter((d) => first.has(d)), ...[...going].filter((d) => !first.has(d))];
  for (const digest of ordered) {
    const m = graph.manifests.get(digest);
    if (!m) {
      unknown.push(digest);
      continue;
    }
    for (const b of [{ digest, size: m.size }, ...m.blobs]) {
      if (keptBlobs.has(b.digest) || counted.has(b.digest)) continue;
      counted.add(b.digest);
      bytes += b.size;
      if (!first.has(digest)) childBytes += b.size;
    }
  }
  return { bytes, blobs: counted.size, childBytes, unknown: unknown.sort() };
}

/** What deleting `doomed` (manifest digests of the graph's repository) frees, by the invariants above. */
export function countFreed(graph: BlobGraph, doomed: Iterable<string>): FreedCount {
  const deleting = new Set(doomed);
  const kept = reach(
    graph,
    graph.listed.filter((d) => !deleting.has(d)),
    new Set(),
  );
  const going = reach(graph, deleting, kept);
  const counted = count(graph, going, deleting, blobDigests(graph, kept));
  const keptUnknown = [...kept].filter((d) => !graph.manifests.has(d)).sort();
  return { ...counted, manifests: going.size, keptUnknown, untaggedListed: graph.untaggedListed, ...(graph.notRead ? { notRead: graph.notRead } : {}) };
}

/** The same graph counted for another deletion (a row kept in a preview). */
export function countFreedAgain(freed: FreedSpace, doomed: Iterable<string>): FreedSpace {
  return { ...countFreed(freed.graph, doomed), graph: freed.graph };
}

/** Everything the given manifests consist of (an image's size), each blob once, whatever else references it. */
export function totalSize(graph: BlobGraph, digests: Iterable<string>): Pick<FreedCount, 'bytes' | 'blobs' | 'unknown'> {
  const starts = new Set(digests);
  const { bytes, blobs, unknown } = count(graph, reach(graph, starts, new Set()), starts, new Set());
  return { bytes, blobs, unknown };
}

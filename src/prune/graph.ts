// Multi-arch images are several manifests: an index (or Docker manifest list) and its platform manifests. Deleting
// a platform manifest that an index still names breaks that index (pulling it fails). This is the one rule, used
// by the planner and by the executor: a digest that an index that stays references never goes with a prune, and
// goes with a direct delete only when the user confirmed breaking exactly those indexes. Pure.
import { isIndex } from '../registry/mediatypes';
import type { Platform } from '../registry/types';

/** An index that stays and references a digest: the index, its tags, and the platform the digest is for. */
export interface IndexUse {
  index: string;
  tags: string[];
  platform: string;
}

export interface ReferencedDigests {
  /** digest → the staying indexes that reference it (nested indexes followed). */
  uses: Map<string, IndexUse[]>;
  /** Staying indexes whose platform manifests are not known: any digest might be one of them. */
  unknown: string[];
}

export function platformName(p: Pick<Platform, 'os' | 'architecture' | 'variant'>): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** How deep nested indexes are followed, here and when they are read (src/ops/snapshot.ts). */
export const MAX_INDEX_DEPTH = 8;

/**
 * The digests referenced by the given indexes (those that stay, or any set of them). `indexes` maps each index digest
 * to its tags; `children` holds the manifests each index that was read names (a child that is itself an index is
 * followed). An index whose own platforms, or whose nested index's platforms, are not in `children` is `unknown`:
 * any digest might be one of its platforms.
 */
export function referencedByStaying(indexes: ReadonlyMap<string, readonly string[]>, children: ReadonlyMap<string, readonly Platform[]>): ReferencedDigests {
  const uses = new Map<string, IndexUse[]>();
  const unknown = new Set<string>();
  const visit = (index: string, root: string, tags: readonly string[], depth: number, seen: Set<string>): void => {
    const kids = children.get(index);
    if (!kids || depth > MAX_INDEX_DEPTH) {
      unknown.add(root);
      return;
    }
    for (const kid of kids) {
      const list = uses.get(kid.digest) ?? [];
      if (!list.some((u) => u.index === root)) list.push({ index: root, tags: [...tags].sort(), platform: platformName(kid) });
      uses.set(kid.digest, list);
      if (isIndex(kid.mediaType) && !seen.has(kid.digest)) visit(kid.digest, root, tags, depth + 1, new Set([...seen, kid.digest]));
    }
  };
  for (const [index, tags] of indexes) visit(index, index, tags, 0, new Set([index]));
  return { uses, unknown: [...unknown].sort() };
}

/** "multi:latest (linux/amd64)", "multi:latest (linux/amd64) and 2 more": what a digest is part of, for a reason text. */
export function describeUses(repository: string | undefined, uses: readonly IndexUse[]): string {
  const first = uses[0];
  const prefix = repository ? repository : '';
  const name = first.tags.length ? `${prefix}${prefix ? ':' : ''}${first.tags[0]}` : `${prefix}@${first.index}`;
  const head = `${name} (${first.platform})`;
  return uses.length > 1 ? `${head} and ${uses.length - 1} more` : head;
}

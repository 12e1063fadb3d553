// The Registries tree as plain data. No `vscode` import here: these functions are unit-tested in plain node
// (test/engine/tree-model.test.ts); the vscode layer (../treeProvider.ts) turns nodes into TreeItems and
// puts user-visible words on them through vscode.l10n.t.
import { formatSize, shortDigest, sortTags, tagVersion, type TagSort } from '../../engine';

export interface RegistryNode {
  readonly kind: 'registry';
  readonly id: string;
  /** Normalised `host[:port]`: the key of the registry in settings, sessions and secret storage. */
  readonly registry: string;
}

export interface RepositoryNode {
  readonly kind: 'repository';
  readonly id: string;
  readonly registry: string;
  readonly repository: string;
}

/** A namespace (a user, an organisation, a group) of a service whose repositories belong to one: Docker Hub, GHCR, GitLab. */
export interface NamespaceNode {
  readonly kind: 'namespace';
  readonly id: string;
  readonly registry: string;
  readonly namespace: string;
}

export interface TagNode {
  readonly kind: 'tag';
  readonly id: string;
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
}

/** "Untagged manifests (N)" under a repository, where the registry's provider can list them. */
export interface UntaggedGroupNode {
  readonly kind: 'untagged';
  readonly id: string;
  readonly registry: string;
  readonly repository: string;
}

/** One untagged manifest that nothing tagged needs. */
export interface ManifestNode {
  readonly kind: 'manifest';
  readonly id: string;
  readonly registry: string;
  readonly repository: string;
  readonly digest: string;
}

/** One platform's image of a multi-arch tag (shown when the tag is expanded). */
export interface PlatformNode {
  readonly kind: 'platform';
  readonly id: string;
  readonly registry: string;
  readonly repository: string;
  /** The multi-arch tag it belongs to. */
  readonly tag: string;
  readonly digest: string;
  /** `linux/amd64`. */
  readonly platform: string;
}

/** "Signatures and SBOMs (N)" under a repository: every referrer tag (cosign's `sha256-….sig`, the tag schema's). */
export interface ReferrerGroupNode {
  readonly kind: 'referrerTags';
  readonly id: string;
  readonly registry: string;
  readonly repository: string;
}

/** Something that refers to a tag's image (a signature, an SBOM, an attestation), shown when the tag is expanded. */
export interface ReferrerNode {
  readonly kind: 'referrer';
  readonly id: string;
  readonly registry: string;
  readonly repository: string;
  /** The tag whose image it refers to. */
  readonly tag: string;
  readonly digest: string;
}

/** "Load more…": shows the next page of repositories (no `repository`) or of the tags of `repository`. */
export interface LoadMoreNode {
  readonly kind: 'loadMore';
  readonly id: string;
  readonly registry: string;
  readonly repository?: string;
  /** How many more are known to exist (tags), or undefined when the registry only says "there is a next page". */
  readonly remaining?: number;
}

/** A failure (or a plain note such as "no tags") shown in place of the children it prevented. */
export interface MessageNode {
  readonly kind: 'message';
  readonly id: string;
  readonly registry: string;
  readonly repository?: string;
  readonly severity: 'error' | 'info';
  readonly message: string;
  readonly fix?: string;
  /**
   * For an error, what kind of fix it needs, so the node offers the actions that fit: `login` (401/403/scope: Edit
   * Credentials), `address` (refused, unknown host, timeout: Edit Address, Open Settings), `tls` (certificate: Choose
   * CA File, Mark Insecure). Retry always.
   */
  readonly cause?: ErrorCause;
  /** What the note is about, for the vscode layer to pick words and a command (e.g. 'noCatalog', 'noTags'). */
  readonly note?: 'noCatalog' | 'noTags' | 'noRepositories' | 'filter' | 'incomplete' | 'noUntagged';
}

export type ErrorCause = 'login' | 'address' | 'tls';

/** The kind of fix an engine error code calls for; undefined when only Retry (and the log) can help. */
export function errorCause(code: string | undefined): ErrorCause | undefined {
  if (code === 'UNAUTHORIZED' || code === 'FORBIDDEN' || code === 'INSUFFICIENT_SCOPE') return 'login';
  if (code === 'NETWORK' || code === 'TIMEOUT') return 'address';
  if (code === 'TLS') return 'tls';
  return undefined;
}

export type ExplorerNode = RegistryNode | NamespaceNode | RepositoryNode | TagNode | PlatformNode | ReferrerGroupNode | ReferrerNode | UntaggedGroupNode | ManifestNode | LoadMoreNode | MessageNode;

export const registryNodeId = (registry: string): string => `r|${registry}`;
export const repositoryNodeId = (registry: string, repository: string): string => `r|${registry}|${repository}`;
export const namespaceNodeId = (registry: string, namespace: string): string => `r|${registry}|@ns:${namespace}`;
export const tagNodeId = (registry: string, repository: string, tag: string): string => `r|${registry}|${repository}|${tag}`;
export const platformNodeId = (registry: string, repository: string, tag: string, digest: string): string => `${tagNodeId(registry, repository, tag)}|@${digest}`;
export const untaggedNodeId = (registry: string, repository: string): string => `r|${registry}|${repository}|@untagged`;
export const referrerGroupNodeId = (registry: string, repository: string): string => `r|${registry}|${repository}|@referrers`;
export const referrerNodeId = (registry: string, repository: string, tag: string, digest: string): string => `${tagNodeId(registry, repository, tag)}|ref@${digest}`;
export const manifestNodeId = (registry: string, repository: string, digest: string): string => `r|${registry}|${repository}|@${digest}`;

/**
 * The `contextValue` of a node: what `when` clauses in package.json test with `viewItem` (always by prefix, e.g.
 * `viewItem =~ /^registry\b/`): `registry[.filtered]`, `repository[.filtered]`, `tag[.multiarch]`,
 * `error[.login|.address|.tls]`, `info[.filter]`, …
 */
export function contextValue(node: ExplorerNode, flags: { multiArch?: boolean; filtered?: boolean } = {}): string {
  switch (node.kind) {
    case 'registry':
      return flags.filtered ? 'registry.filtered' : 'registry';
    case 'namespace':
      return 'namespace';
    case 'repository':
      return flags.filtered ? 'repository.filtered' : 'repository';
    case 'tag':
      return flags.multiArch ? 'tag.multiarch' : 'tag';
    case 'platform':
      return 'platform';
    case 'referrerTags':
      return 'referrerTags';
    case 'referrer':
      return 'referrer';
    case 'untagged':
      return 'untagged';
    case 'manifest':
      return 'manifest';
    case 'loadMore':
      return 'loadMore';
    case 'message':
      if (node.severity === 'info') return node.note === 'filter' ? 'info.filter' : 'info';
      return node.cause ? `error.${node.cause}` : 'error';
  }
}

/** The first `shown` items of `all` and how many are left. */
export function visiblePage<T>(all: readonly T[], shown: number): { visible: T[]; remaining: number } {
  const n = Math.max(0, Math.min(shown, all.length));
  return { visible: all.slice(0, n), remaining: all.length - n };
}

/** How many tags to show after one more "Load more…". */
export function nextShown(shown: number, pageSize: number, total: number): number {
  return Math.min(total, shown + Math.max(1, pageSize));
}

/** The children of a repository: the visible page of (sorted) tags, then a "Load more…" node if any remain. */
export function tagChildren(
  registry: string,
  repository: string,
  sortedTags: readonly string[],
  shown: number,
): (TagNode | LoadMoreNode)[] {
  const { visible, remaining } = visiblePage(sortedTags, shown);
  const nodes: (TagNode | LoadMoreNode)[] = visible.map((tag) => ({
    kind: 'tag',
    id: tagNodeId(registry, repository, tag),
    registry,
    repository,
    tag,
  }));
  if (remaining > 0) nodes.push({ kind: 'loadMore', id: `${repositoryNodeId(registry, repository)}|more`, registry, repository, remaining });
  return nodes;
}

/**
 * The repositories to show: the catalog pages loaded so far plus the ones added by hand, without duplicates,
 * A→Z, narrowed by a case-insensitive substring filter.
 */
export function repositoryList(catalog: readonly string[], manual: readonly string[], filter?: string): string[] {
  const all = [...new Set([...catalog, ...manual])].sort();
  const f = filter?.trim().toLowerCase();
  return f ? all.filter((r) => r.toLowerCase().includes(f)) : all;
}

export function repositoryChildren(
  registry: string,
  repositories: readonly string[],
  hasMore: boolean,
): (RepositoryNode | LoadMoreNode)[] {
  const nodes: (RepositoryNode | LoadMoreNode)[] = repositories.map((repository) => ({
    kind: 'repository',
    id: repositoryNodeId(registry, repository),
    registry,
    repository,
  }));
  if (hasMore) nodes.push({ kind: 'loadMore', id: `${registryNodeId(registry)}|more`, registry });
  return nodes;
}

export { sortTags, type TagSort };

/** Services whose repositories belong to a namespace (a user, an organisation, a group): the tree groups them. */
export const NAMESPACED_PROVIDERS: readonly string[] = ['dockerhub', 'ghcr', 'gitlab'];

/** `alice` of `alice/app` (a name without a slash is its own namespace). */
export function namespaceOf(repository: string): string {
  const i = repository.indexOf('/');
  return i < 0 ? repository : repository.slice(0, i);
}

/** The name under its namespace: `app` of `alice/app`, `tools/cli` of `acme/tools/cli`. */
export function nameInNamespace(repository: string): string {
  const i = repository.indexOf('/');
  return i < 0 ? repository : repository.slice(i + 1);
}

/** The namespaces of `repositories`, A→Z, each with how many repositories it has. */
export function namespacesOf(repositories: readonly string[]): { namespace: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of repositories) counts.set(namespaceOf(r), (counts.get(namespaceOf(r)) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([namespace, count]) => ({ namespace, count }));
}

/**
 * Tags most recent first by `timeOf`; tags without a time keep their order (the version order they came in) after
 * the others. Stable.
 */
export function newestFirst(tags: readonly string[], timeOf: (tag: string) => Date | undefined): string[] {
  const timed = tags.map((tag, i) => ({ tag, i, at: timeOf(tag)?.getTime() }));
  const known = timed.filter((x) => x.at !== undefined).sort((a, b) => b.at! - a.at! || a.i - b.i);
  return [...known, ...timed.filter((x) => x.at === undefined)].map((x) => x.tag);
}

/**
 * "= latest", "= latest, 2.0", "= latest, 2.0 +3": the other tags of the same image, moving aliases (tags that are
 * not versions, like `latest`) first because they say most.
 */
export function sharedLabel(others: readonly string[], max = 2): string {
  if (others.length === 0) return '';
  const sorted = sortTags(others);
  const ordered = [...sorted.filter((t) => !tagVersion(t)), ...sorted.filter((t) => tagVersion(t))];
  const head = ordered.slice(0, max).join(', ');
  return ordered.length > max ? `= ${head} +${ordered.length - max}` : `= ${head}`;
}

/**
 * The description of a tag row, once the digest is known: what the eye needs first, and what may be cut off last.
 * The shared-image badge ("= latest +1") leads, so a narrow sidebar never hides it; then `words` (age, size, when
 * known); the short digest ends it (the tooltip and Copy Digest have it whole).
 */
export function tagDescription(digest: string | undefined, others: readonly string[] = [], words: readonly string[] = []): string {
  if (!digest) return '';
  return [sharedLabel(others, 1), ...words, shortDigest(digest)].filter(Boolean).join(' · ');
}

/** `sha256:975164…e3af826e`: enough of both ends to recognise a digest in a sentence. */
export function middleDigest(digest: string, head = 6, tail = 8): string {
  const i = digest.indexOf(':');
  const algo = i < 0 ? '' : digest.slice(0, i + 1);
  const hex = i < 0 ? digest : digest.slice(i + 1);
  if (hex.length <= head + tail + 1) return digest;
  return `${algo}${hex.slice(0, head)}…${hex.slice(-tail)}`;
}

export { shortDigest };
export { formatSize };

const AGE_UNITS: [number, AgeUnit][] = [
  [365 * 86_400_000, 'year'],
  [30 * 86_400_000, 'month'],
  [7 * 86_400_000, 'week'],
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
];

export type AgeUnit = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute';

/** How long ago `date` was, in the largest whole unit; undefined for under a minute. The vscode layer words it. */
export function age(date: Date, now: Date = new Date()): { count: number; unit: AgeUnit } | undefined {
  const ms = now.getTime() - date.getTime();
  for (const [size, unit] of AGE_UNITS) {
    const count = Math.floor(ms / size);
    if (count >= 1) return { count, unit };
  }
  return undefined;
}

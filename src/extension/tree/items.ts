// Drawing the Registries view: each node as a vscode.TreeItem, words through vscode.l10n.t. Reads the loaded
// state (./state.ts) and the pure model (../model/nodes.ts); loads nothing itself.
import * as vscode from 'vscode';
import { describeError, formatSize, isIndex, isReferrerTag, platformName, shortDigest, sortTags, type DigestInfo, type ManifestRow, type Referrer, type ReferrerKind, type TagDetail } from '../../engine';
import {
  age,
  contextValue,
  middleDigest,
  nameInNamespace,
  registryNodeId,
  sharedLabel,
  tagDescription,
  type LoadMoreNode,
  type ManifestNode,
  type MessageNode,
  type NamespaceNode,
  type PlatformNode,
  type ReferrerGroupNode,
  type ReferrerNode,
  type RegistryNode,
  type RepositoryNode,
  type TagNode,
  type UntaggedGroupNode,
} from '../model/nodes';
import { referrerKinds, referrerTagOwner } from '../model/referrers';
import { allReferrerTags, referrerTagsOf, tagTime, type RepoState } from './repo-state';
import type { TagDetails, TreeState } from './state';

const t = vscode.l10n.t;

/** "3 days ago", in words VS Code can translate. */
export function agoText(date: Date, now = new Date()): string {
  const a = age(date, now);
  if (!a) return t('just now');
  switch (a.unit) {
    case 'year':
      return a.count === 1 ? t('1 year ago') : t('{0} years ago', a.count);
    case 'month':
      return a.count === 1 ? t('1 month ago') : t('{0} months ago', a.count);
    case 'week':
      return a.count === 1 ? t('1 week ago') : t('{0} weeks ago', a.count);
    case 'day':
      return a.count === 1 ? t('1 day ago') : t('{0} days ago', a.count);
    case 'hour':
      return a.count === 1 ? t('1 hour ago') : t('{0} hours ago', a.count);
    case 'minute':
      return a.count === 1 ? t('1 minute ago') : t('{0} minutes ago', a.count);
  }
}

const BADGES: Record<ReferrerKind, () => string> = { signature: () => t('signed'), attestation: () => t('attested'), sbom: () => t('SBOM'), other: () => t('referrers') };
const OWNED: Record<ReferrerKind, (tags: string) => string> = {
  signature: (tags) => t('signature of {0}', tags),
  attestation: (tags) => t('attestation of {0}', tags),
  sbom: (tags) => t('SBOM of {0}', tags),
  other: (tags) => t('referrers of {0}', tags),
};

/**
 * ["signed", "SBOM"] on a row whose image has referrer tags; ["signature of 1.2.0"] on a referrer tag's own row (or
 * "… of sha256:…" while no tag of its image is resolved). From the tag list alone: no request.
 */
function referrerWords(r: RepoState, tag: string, digest: string): string[] {
  const owner = referrerTagOwner(tag, (d) => r.shared.tags(d));
  if (owner) {
    // The image's tags as far as their digests are in (the rows resolved so far), else its digest.
    const tags = owner.tags.length === 0 ? shortDigest(owner.subject) : owner.tags.length > 2 ? `${sortTags(owner.tags).slice(0, 2).join(', ')} +${owner.tags.length - 2}` : sortTags(owner.tags).join(', ');
    return [OWNED[owner.kind](tags)];
  }
  return referrerKinds(referrerTagsOf(r, digest)).map((k) => BADGES[k]());
}

/**
 * ["3 days ago", "24 MiB"]: a tag's age and size when known. From the provider's tag list (push time), else from
 * the image's own config (created) once read; nothing while unknown.
 */
function rowWords(when: Date | undefined, d: TagDetail | undefined, read: TagDetails | Error | undefined): string[] {
  const own = read && !(read instanceof Error) ? read : undefined;
  const size = d?.size ?? own?.manifest.totalSize;
  return [when ? agoText(when) : '', size !== undefined ? formatSize(size) : ''].filter(Boolean);
}

/** How the registry row names a hosted service. */
const PROVIDER_LABELS: Record<string, string> = { acr: 'ACR', harbor: 'Harbor', dockerhub: 'Docker Hub', ghcr: 'GHCR', gitlab: 'GitLab' };

export function registryItem(state: TreeState, node: RegistryNode, entry: { url?: string; username?: string; insecure?: boolean; caFile?: string; provider?: string; loginWithheld?: string } | undefined): vscode.TreeItem {
  const s = state.peek(node.registry);
  const item = new vscode.TreeItem(node.registry, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('server');
  item.contextValue = contextValue(node, { filtered: s?.filter !== undefined });
  const who = entry?.loginWithheld ? t('login withheld') : (entry?.username ?? t('anonymous'));
  const provider = s?.provider && s.provider !== 'distribution' ? ` · ${PROVIDER_LABELS[s.provider] ?? s.provider}` : '';
  item.description = (s?.filter ? t('{0} · filter: {1}', who, s.filter) : who) + provider;
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${node.registry}**\n\n`);
  md.appendText(t('URL: {0}', entry?.url ?? node.registry) + '\n\n');
  md.appendText(t('User: {0}', who) + '\n\n');
  if (s?.provider) md.appendText(t('Provider: {0}', s.provider) + (entry?.provider && entry.provider !== 'auto' ? '' : ' ' + t('(detected)')) + '\n\n');
  if (entry?.insecure) md.appendText(t('TLS verification is off for this registry (insecure).') + '\n\n');
  if (entry?.caFile) md.appendText(t('Extra CA: {0}', entry.caFile) + '\n\n');
  if (entry?.loginWithheld) md.appendText(t('No login is sent: {0}.', entry.loginWithheld) + '\n\n');
  item.tooltip = md;
  return item;
}

/** 1234 → "1.2k", 5600000 → "5.6M": a pull count at a glance. */
function pullCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 1 : 0)}M`;
}

/** A namespace of Docker Hub, GHCR or GitLab: a user, an organisation, a group. */
export function namespaceItem(node: NamespaceNode, repositories: number): vscode.TreeItem {
  const item = new vscode.TreeItem(node.namespace, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('organization');
  item.contextValue = contextValue(node);
  item.description = repositories === 1 ? t('1 repository') : t('{0} repositories', repositories);
  item.tooltip = `${node.registry}/${node.namespace}`;
  return item;
}

/** A repository row; under a namespace it is labelled with the rest of its name (`app` under `alice`). */
export function repositoryItem(state: TreeState, node: RepositoryNode, underNamespace = false): vscode.TreeItem {
  const item = new vscode.TreeItem(underNamespace ? nameInNamespace(node.repository) : node.repository, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('package');
  const s = state.peek(node.registry);
  const filter = s?.tagFilters.get(node.repository);
  item.contextValue = contextValue(node, { filtered: filter !== undefined });
  const r = s?.repos.get(node.repository);
  // While it reloads, the count it last had: the row does not lose its "N tags" on every refresh.
  const count = r?.loaded && !r.error ? r.sorted.length : s?.counts.get(node.repository);
  const words: string[] = [];
  if (count !== undefined) {
    const shown = filter && r?.loaded && s ? state.tagsOf(s, node.repository, r).length : undefined;
    words.push(shown !== undefined ? t('{0} of {1} tags', shown, count) : r?.incomplete ? t('{0} tags (incomplete)', count) : t('{0} tags', count));
  }
  // What the service's own list says (Docker Hub): pulls and the last update.
  const facts = s?.facts?.(node.repository);
  if (facts?.pulls !== undefined) words.push(facts.pulls === 1 ? t('1 pull') : t('{0} pulls', pullCount(facts.pulls)));
  if (facts?.updated) words.push(t('updated {0}', agoText(facts.updated)));
  if (words.length) item.description = words.join(' · ');
  item.tooltip = `${node.registry}/${node.repository}`;
  return item;
}

export function tagItem(state: TreeState, node: TagNode): vscode.TreeItem {
  const r = state.repo(node.registry, node.repository);
  const info = r?.digests.get(node.tag);
  const known = info instanceof Error ? undefined : info;
  // Expandable for what hangs off its image: platform images (an index), signatures and SBOMs (referrer tags).
  const expandable = isIndex(known?.mediaType) || (!!r && !!known && !isReferrerTag(node.tag) && referrerTagsOf(r, known.digest).length > 0);
  const item = new vscode.TreeItem(node.tag, expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  if (info instanceof Error) {
    item.iconPath = new vscode.ThemeIcon('warning');
    item.description = t('digest unavailable');
    item.tooltip = describeError(info).message;
    item.contextValue = contextValue(node);
    return item;
  }
  const multiArch = isIndex(info?.mediaType);
  const detail = r?.tagDetails.get(node.tag);
  item.iconPath = new vscode.ThemeIcon(detail?.locked ? 'lock' : multiArch ? 'layers' : 'tag');
  item.contextValue = contextValue(node, { multiArch });
  if (info && r) {
    const details = r.details.get(node.tag);
    const words = [...referrerWords(r, node.tag, info.digest), ...rowWords(tagTime(r, node.tag), detail, details)];
    item.description = tagDescription(info.digest, r.shared.others(node.tag), words);
    // Left undefined until hovered: resolveTreeItem then reads the manifest and the config.
    if (details) item.tooltip = tagTooltip(state, node, info, details);
  }
  return item;
}

export function tagTooltip(state: TreeState, node: TagNode, info: DigestInfo, details: TagDetails | Error): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${node.repository}:${node.tag}**\n\n`);
  md.appendMarkdown(`${t('Digest')}: \`${info.digest}\`\n\n`);
  if (details instanceof Error) {
    if (info.mediaType) md.appendMarkdown(`${t('Media type')}: \`${info.mediaType}\`\n\n`);
    md.appendText(t('Details unavailable: {0}', describeError(details).message));
    return md;
  }
  const m = details.manifest;
  md.appendMarkdown(`${t('Media type')}: \`${m.mediaType}\`\n\n`);
  const detail = state.repo(node.registry, node.repository)?.tagDetails.get(node.tag);
  if (detail?.pushed) md.appendText(t('Pushed: {0} ({1})', detail.pushed.toLocaleString(), agoText(detail.pushed)) + '\n\n');
  if (detail?.locked) md.appendText(t('Locked: {0}. To delete it, first: {1}', detail.locked.reason, detail.locked.fix) + '\n\n');
  if (m.platforms?.length) md.appendText(t('Platforms: {0}', m.platforms.map(platformName).join(', ')) + '\n\n');
  if (m.totalSize !== undefined) md.appendText(t('Size: {0}', formatSize(m.totalSize)) + '\n\n');
  if (details.created) md.appendText(t('Created: {0}', details.created.toLocaleString()) + '\n\n');
  const r = state.repo(node.registry, node.repository);
  const others = r?.shared.others(node.tag) ?? [];
  if (others.length) md.appendText(t('Same image as: {0}', sharedLabel(others, others.length).replace(/^= /, '')) + '\n\n');
  const referrers = r ? referrerTagsOf(r, info.digest) : [];
  if (referrers.length) md.appendText(t('Signatures, SBOMs and attestations (they go when this image is deleted): {0}', referrers.map((x) => x.tag).join(', ')));
  return md;
}

const REFERRER_ICONS: Record<ReferrerKind, string> = { signature: 'verified', sbom: 'checklist', attestation: 'law', other: 'file' };
const KIND_LABELS: Record<ReferrerKind, () => string> = { signature: () => t('Signature'), sbom: () => t('SBOM'), attestation: () => t('Attestation'), other: () => t('Artifact') };

/** "Signatures and SBOMs (3)": every referrer tag of the repository, each saying whose it is. */
export function referrerGroupItem(state: TreeState, node: ReferrerGroupNode): vscode.TreeItem {
  const r = state.repo(node.registry, node.repository);
  const count = r ? allReferrerTags(r).length : 0;
  const item = new vscode.TreeItem(t('Signatures and SBOMs ({0})', count), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('verified');
  item.contextValue = contextValue(node);
  item.tooltip = t('Tags that attach something to an image (cosign’s sha256-….sig, .att, .sbom; the referrers tag schema’s sha256-…). They go when their image is deleted, and a prune keeps them with a kept image.');
  return item;
}

/** Something that refers to a tag's image: what it is, its tag (if any), its artifact type, its digest. */
export function referrerItem(node: ReferrerNode, referrer: Referrer | undefined): vscode.TreeItem {
  const kind = referrer?.kind ?? 'other';
  const item = new vscode.TreeItem(KIND_LABELS[kind](), vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon(REFERRER_ICONS[kind]);
  item.contextValue = contextValue(node);
  item.description = [referrer?.tag ?? '', referrer?.artifactType ?? '', shortDigest(node.digest)].filter(Boolean).join(' · ');
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`${t('Digest')}: \`${node.digest}\`\n\n`);
  if (referrer?.artifactType) md.appendMarkdown(`${t('Artifact type')}: \`${referrer.artifactType}\`\n\n`);
  if (referrer?.tag) md.appendText(t('Tag: {0}', referrer.tag) + '\n\n');
  md.appendText(t('It refers to the image of {0}: it goes when that image is deleted (unless kept), and stays while it stays.', node.tag));
  item.tooltip = md;
  return item;
}

/** One platform's image of a multi-arch tag: its platform, size, digest. */
export function platformItem(node: PlatformNode, size: number | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(node.platform, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('vm');
  item.contextValue = contextValue(node);
  item.description = [size !== undefined ? formatSize(size) : '', shortDigest(node.digest)].filter(Boolean).join(' · ');
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${node.repository}:${node.tag}** — ${node.platform}\n\n`);
  md.appendMarkdown(`${t('Digest')}: \`${node.digest}\`\n\n`);
  if (size !== undefined) md.appendText(t('Size: {0}', formatSize(size)) + '\n\n');
  md.appendText(t('A part of the multi-arch image {0}: it goes when that image is deleted, and stays while it stays.', node.tag));
  item.tooltip = md;
  return item;
}

export function loadMoreItem(node: LoadMoreNode): vscode.TreeItem {
  const item = new vscode.TreeItem(t('Load more…'), vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.contextValue = contextValue(node);
  if (node.remaining !== undefined) item.description = t('{0} more', node.remaining);
  item.command = { command: 'registryExplorer.loadMore', title: t('Load more…'), arguments: [node] };
  return item;
}

export function messageItem(node: MessageNode, registryNode: (registry: string) => RegistryNode | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.contextValue = contextValue(node);
  if (node.severity === 'error') {
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    item.description = node.fix;
    item.tooltip = node.fix ? `${node.message}\n\n${node.fix}` : node.message;
    item.command = { command: 'registryExplorer.retry', title: t('Retry'), arguments: [node] };
    return item;
  }
  if (node.note === 'incomplete') {
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.description = node.fix;
    item.tooltip = node.fix ? `${node.message}\n\n${node.fix}` : node.message;
    return item;
  }
  if (node.note === 'filter') {
    item.iconPath = new vscode.ThemeIcon('filter');
    item.description = t('Clear');
    item.tooltip = t('Click to clear the filter');
    item.command = { command: 'registryExplorer.clearFilter', title: t('Clear Filter'), arguments: [node] };
    return item;
  }
  item.iconPath = new vscode.ThemeIcon('info');
  if (node.note === 'noCatalog' || node.note === 'noRepositories') {
    item.description = t('Add Repository…');
    item.command = { command: 'registryExplorer.addRepository', title: t('Add Repository…'), arguments: [registryNode(node.registry)] };
  }
  return item;
}



export function untaggedGroupItem(state: TreeState, node: UntaggedGroupNode): vscode.TreeItem {
  const u = state.repo(node.registry, node.repository)?.untagged;
  const count = u?.rows?.length;
  const item = new vscode.TreeItem(count === undefined ? t('Untagged manifests') : t('Untagged manifests ({0})', count), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('trash');
  item.contextValue = contextValue(node);
  item.tooltip = t('Manifests no tag points at, which nothing tagged needs (platform images of tagged multi-arch images and signatures of tagged images are left out). They still take space; systems that pull them by digest still can.');
  return item;
}

export function manifestItem(row: ManifestRow | undefined, node: ManifestNode): vscode.TreeItem {
  const item = new vscode.TreeItem(middleDigest(node.digest), vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon(row?.locked ? 'lock' : isIndex(row?.mediaType) ? 'layers' : 'file-binary');
  item.contextValue = contextValue(node);
  item.description = [row?.created ? agoText(row.created) : '', row?.size !== undefined ? formatSize(row.size) : '', row?.platform ?? ''].filter(Boolean).join(' · ');
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`${t('Digest')}: \`${node.digest}\`\n\n`);
  if (row?.mediaType) md.appendMarkdown(`${t('Media type')}: \`${row.mediaType}\`\n\n`);
  if (row?.created) md.appendText(t('Pushed: {0}', row.created.toLocaleString()) + '\n\n');
  if (row?.subject) md.appendText(t('Refers to: {0}', row.subject) + '\n\n');
  if (row?.locked) md.appendText(t('Locked: {0}. To delete it, first: {1}', row.locked.reason, row.locked.fix));
  item.tooltip = md;
  return item;
}

export { registryNodeId };

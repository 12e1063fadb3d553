// Drawing the Registries view: each node as a vscode.TreeItem, words through vscode.l10n.t. Reads the loaded
// state (./state.ts) and the pure model (../model/nodes.ts); loads nothing itself.
import * as vscode from 'vscode';
import { describeError, formatSize, isIndex, platformName, type DigestInfo } from '../../engine';
import { contextValue, registryNodeId, sharedLabel, tagDescription, type MessageNode, type RegistryNode, type RepositoryNode, type TagNode, type LoadMoreNode } from '../model/nodes';
import type { TagDetails, TreeState } from './state';

const t = vscode.l10n.t;

export function registryItem(state: TreeState, node: RegistryNode, entry: { url?: string; username?: string; insecure?: boolean; caFile?: string } | undefined): vscode.TreeItem {
  const s = state.peek(node.registry);
  const item = new vscode.TreeItem(node.registry, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('server');
  item.contextValue = contextValue(node);
  const who = entry?.username ?? t('anonymous');
  item.description = s?.filter ? t('{0} · filter: {1}', who, s.filter) : who;
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${node.registry}**\n\n`);
  md.appendText(t('URL: {0}', entry?.url ?? node.registry) + '\n\n');
  md.appendText(t('User: {0}', who) + '\n\n');
  if (entry?.insecure) md.appendText(t('TLS verification is off for this registry (insecure).') + '\n\n');
  if (entry?.caFile) md.appendText(t('Extra CA: {0}', entry.caFile) + '\n\n');
  item.tooltip = md;
  return item;
}

export function repositoryItem(state: TreeState, node: RepositoryNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.repository, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon('package');
  item.contextValue = contextValue(node);
  const r = state.repo(node.registry, node.repository);
  if (r?.loaded && !r.error) item.description = r.incomplete ? t('{0} tags (incomplete)', r.sorted.length) : t('{0} tags', r.sorted.length);
  item.tooltip = `${node.registry}/${node.repository}`;
  return item;
}

export function tagItem(state: TreeState, node: TagNode): vscode.TreeItem {
  const r = state.repo(node.registry, node.repository);
  const info = r?.digests.get(node.tag);
  const item = new vscode.TreeItem(node.tag, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  if (info instanceof Error) {
    item.iconPath = new vscode.ThemeIcon('warning');
    item.description = t('digest unavailable');
    item.tooltip = describeError(info).message;
    item.contextValue = contextValue(node);
    return item;
  }
  const multiArch = isIndex(info?.mediaType);
  item.iconPath = new vscode.ThemeIcon(multiArch ? 'layers' : 'tag');
  item.contextValue = contextValue(node, multiArch);
  if (info && r) {
    item.description = tagDescription(info.digest, r.shared.others(node.tag));
    const details = r.details.get(node.tag);
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
  if (m.platforms?.length) md.appendText(t('Platforms: {0}', m.platforms.map(platformName).join(', ')) + '\n\n');
  if (m.totalSize !== undefined) md.appendText(t('Size: {0}', formatSize(m.totalSize)) + '\n\n');
  if (details.created) md.appendText(t('Created: {0}', details.created.toLocaleString()) + '\n\n');
  const others = state.repo(node.registry, node.repository)?.shared.others(node.tag) ?? [];
  if (others.length) md.appendText(t('Same image as: {0}', sharedLabel(others, others.length).replace(/^= /, '')));
  return md;
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
  item.iconPath = new vscode.ThemeIcon('info');
  if (node.note === 'noCatalog' || node.note === 'noRepositories') {
    item.description = t('Add Repository…');
    item.command = { command: 'registryExplorer.addRepository', title: t('Add Repository…'), arguments: [registryNode(node.registry)] };
  }
  return item;
}

export { registryNodeId };

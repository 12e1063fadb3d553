// The Registries view's TreeDataProvider: registry → repositories → tags. Thin: it asks the loaded state
// (./state.ts) for children, draws them with ./items.ts, keeps one node object per id, and coalesces redraws.
import * as vscode from 'vscode';
import { capitalise, describeError, isReferrerTag, isRegistryError, platformName, type DigestInfo, type ManifestRow, type PingResult, type Quota, type Referrer, type RegistryClient } from '../../engine';
import {
  errorCause,
  manifestNodeId,
  namespaceNodeId,
  namespaceOf,
  namespacesOf,
  NAMESPACED_PROVIDERS,
  platformNodeId,
  referrerGroupNodeId,
  referrerNodeId,
  registryNodeId,
  repositoryChildren,
  repositoryList,
  repositoryNodeId,
  tagChildren,
  tagNodeId,
  untaggedNodeId,
  type ExplorerNode,
  type LoadMoreNode,
  type ManifestNode,
  type MessageNode,
  type PlatformNode,
  type RegistryNode,
  type RepositoryNode,
  type TagNode,
  type UntaggedGroupNode,
  type NamespaceNode,
  type ReferrerGroupNode,
  type ReferrerNode,
} from '../model/nodes';
import type { ExplorerSettings, RegistryEntry } from '../model/settings';
import { loadMoreItem, manifestItem, messageItem, namespaceItem, platformItem, referrerGroupItem, referrerItem, registryItem, repositoryItem, tagItem, tagTooltip, untaggedGroupItem } from './items';
import { allReferrerTags } from './repo-state';
import { Redraws } from './redraws';
import { TreeState } from './state';

const t = vscode.l10n.t;

export interface TreeDeps {
  settings(): ExplorerSettings;
  /** Says that the service's API has few requests left (the tree reads on regardless). */
  lowQuota?(registry: string, quota: Quota): void;
  createClient(entry: RegistryEntry, settings: ExplorerSettings): Promise<RegistryClient>;
  log: { debug(m: string): void; warn(m: string): void };
}

export class RegistryTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly nodes = new Map<string, ExplorerNode>();
  private readonly redraws = new Redraws((id) => this.emitter.fire(id === undefined ? undefined : this.nodes.get(id)));
  private readonly state: TreeState;

  constructor(private readonly deps: TreeDeps) {
    this.state = new TreeState({
      ...deps,
      changed: (registry, repository, soon) => this.changed(registry, repository, soon),
      rowsChanged: (registry, repository) => this.redraws.seldom(repositoryNodeId(registry, repository)),
    });
  }

  dispose(): void {
    this.redraws.dispose();
    this.state.dispose();
    this.emitter.dispose();
  }

  /** Redraws the repository (or registry, or everything); `soon` coalesces bursts (digests streaming in). */
  private changed(registry?: string, repository?: string, soon = false): void {
    const id = registry === undefined ? undefined : repository === undefined ? registryNodeId(registry) : repositoryNodeId(registry, repository);
    if (!soon || id === undefined) this.redraws.now(id);
    else this.redraws.soon(id);
  }

  // ---- what commands ask ---------------------------------------------------------------------------------

  client(registry: string): Promise<RegistryClient> {
    return this.state.client(registry);
  }

  openClients(): string[] {
    return this.state.openClients();
  }

  ping(registry: string): Promise<PingResult> {
    return this.state.ping(registry);
  }

  reconcile(changedHosts?: Set<string>): void {
    this.state.reconcile(changedHosts);
    this.changed();
  }

  /** Forgets what was loaded for `node` (or everything) and redraws it. */
  refresh(node?: ExplorerNode): void {
    if (!node) {
      this.state.forgetAll();
      return this.changed();
    }
    const repository = node.kind === 'registry' || node.kind === 'namespace' ? undefined : node.repository;
    if (repository === undefined) {
      this.state.forgetRegistry(node.registry);
      return this.changed(node.registry);
    }
    this.forgetRepository(node.registry, repository);
  }

  forgetRepository(registry: string, repository: string): void {
    this.state.forgetRepository(registry, repository);
    this.changed(registry, repository);
  }

  setFilter(registry: string, filter: string | undefined): void {
    this.state.setFilter(registry, filter);
    this.changed(registry);
  }

  setTagFilter(registry: string, repository: string, filter: string | undefined): void {
    this.state.setTagFilter(registry, repository, filter);
    this.changed(registry, repository);
  }

  tagFilterOf(registry: string, repository: string): string | undefined {
    return this.state.peek(registry)?.tagFilters.get(repository);
  }

  filterOf(registry: string): string | undefined {
    return this.state.peek(registry)?.filter;
  }

  async loadMore(node: LoadMoreNode): Promise<void> {
    if (node.repository) {
      this.state.showMoreTags(node.registry, node.repository);
      return this.changed(node.registry, node.repository);
    }
    await this.state.loadCatalogPage(this.state.session(node.registry));
    this.changed(node.registry);
  }

  async whenDigestsSettled(node: RepositoryNode): Promise<void> {
    const r = this.state.repo(node.registry, node.repository);
    if (!r) return;
    await r.loading;
    await r.idle;
  }

  /** Resolves when the digests, and then the ages and sizes read in the background, of the shown tags are in. */
  async whenDetailsSettled(node: RepositoryNode): Promise<void> {
    await this.whenDigestsSettled(node);
    await this.state.repo(node.registry, node.repository)?.detailsDone;
  }

  digestOf(node: TagNode): Promise<DigestInfo> {
    return this.state.digestOf(node.registry, node.repository, node.tag);
  }

  // ---- nodes ---------------------------------------------------------------------------------------------

  /** One object per id, so that refreshing an element and `reveal` find the element VS Code knows. */
  private intern<T extends ExplorerNode>(node: T): T {
    const known = this.nodes.get(node.id);
    if (known && known.kind === node.kind && node.kind !== 'message' && node.kind !== 'loadMore') return known as T;
    this.nodes.set(node.id, node);
    return node;
  }

  /** The provider that answered for `registry`, once known. */
  providerName(registry: string): string | undefined {
    return this.state.peek(registry)?.provider;
  }

  /** Whether `node` is the tree's current element for its id (not one a refresh has since replaced or dropped). */
  isShown(node: ExplorerNode): boolean {
    return this.nodes.get(node.id) === node;
  }

  registryNodes(): RegistryNode[] {
    return this.deps.settings().registries.map((r) => this.intern({ kind: 'registry', id: registryNodeId(r.key), registry: r.key }));
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    if (node.kind === 'registry') return undefined;
    if (node.kind === 'namespace') return this.nodes.get(registryNodeId(node.registry));
    if (node.kind === 'repository') return this.nodes.get(this.namespaced(node.registry) ? namespaceNodeId(node.registry, namespaceOf(node.repository)) : registryNodeId(node.registry));
    if (node.kind === 'manifest') return this.nodes.get(untaggedNodeId(node.registry, node.repository));
    if (node.kind === 'platform' || node.kind === 'referrer') return this.nodes.get(tagNodeId(node.registry, node.repository, node.tag));
    if (node.kind === 'tag' && isReferrerTag(node.tag)) return this.nodes.get(referrerGroupNodeId(node.registry, node.repository));
    return this.nodes.get(node.repository ? repositoryNodeId(node.registry, node.repository) : registryNodeId(node.registry));
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) return this.registryNodes();
    this.redraws.fetching();
    try {
      if (node.kind === 'registry') return await this.repositoryNodes(node);
      if (node.kind === 'namespace') return this.namespaceChildren(node);
      if (node.kind === 'repository') return await this.tagNodes(node);
      if (node.kind === 'untagged') return this.manifestNodes(node);
      if (node.kind === 'tag') return [...(await this.platformNodes(node)), ...(await this.referrerNodes(node))];
      if (node.kind === 'referrerTags') return this.referrerTagNodes(node);
    } catch (e) {
      return [this.errorNode(node.registry, node.kind === 'repository' ? node.repository : undefined, e)];
    } finally {
      this.redraws.fetched();
    }
    return [];
  }

  private note(registry: string, repository: string | undefined, fields: Omit<MessageNode, 'kind' | 'id' | 'registry' | 'repository'>, suffix: string): MessageNode {
    const parent = repository ? repositoryNodeId(registry, repository) : registryNodeId(registry);
    return this.intern({ kind: 'message', id: `${parent}|${suffix}`, registry, repository, ...fields });
  }

  /** "Filtered by "slim": 3 of 40 tags", first among the children; clicking it clears the filter. */
  private filterNote(registry: string, repository: string | undefined, message: string): MessageNode {
    return this.note(registry, repository, { severity: 'info', note: 'filter', message }, 'filter');
  }

  private errorNode(registry: string, repository: string | undefined, e: unknown): MessageNode {
    const { message, fix } = describeError(e);
    const code = isRegistryError(e) ? e.code : undefined;
    return this.note(registry, repository, { severity: 'error', message: capitalise(message), fix, cause: errorCause(code) }, 'error');
  }

  private async repositoryNodes(node: RegistryNode): Promise<ExplorerNode[]> {
    const s = this.state.session(node.registry);
    if (!s.catalog.loaded || s.catalog.loading) await this.state.loadCatalogPage(s);
    const manual = s.entry.repositories ?? [];
    const names = repositoryList(s.catalog.items, manual, s.filter);
    const out: ExplorerNode[] = [];
    if (s.filter) out.push(this.filterNote(node.registry, undefined, t('Filtered by "{0}": {1} of {2} repositories', s.filter, names.length, repositoryList(s.catalog.items, manual).length)));
    if (s.catalog.error) out.push(this.errorNode(node.registry, undefined, s.catalog.error));
    if (this.namespaced(node.registry)) out.push(...this.namespaceNodes(node.registry, names, s.catalog.next !== undefined));
    else out.push(...repositoryChildren(node.registry, names, s.catalog.next !== undefined).map((n) => this.intern(n)));
    if (names.length === 0 && !s.catalog.error) {
      const info = (note: MessageNode['note'], message: string): MessageNode => this.note(node.registry, undefined, { severity: 'info', message, note }, note!);
      if (s.filter && (s.catalog.items.length > 0 || manual.length > 0)) {
        // the filter note above says 0 of N
      } else if (s.catalog.unavailable) out.push(info('noCatalog', t('This registry does not list its repositories')));
      else if (!s.catalog.next) out.push(info('noRepositories', t('No repositories yet')));
    }
    return out;
  }

  /** Whether the registry's repositories are grouped by namespace (Docker Hub, GHCR, GitLab). */
  private namespaced(registry: string): boolean {
    return NAMESPACED_PROVIDERS.includes(this.state.peek(registry)?.provider ?? '');
  }

  /** A namespace row per namespace of `names` (then Load more… when the service has more). */
  private namespaceNodes(registry: string, names: readonly string[], hasMore: boolean): ExplorerNode[] {
    const out: ExplorerNode[] = namespacesOf(names).map(({ namespace }) => this.intern<NamespaceNode>({ kind: 'namespace', id: namespaceNodeId(registry, namespace), registry, namespace }));
    if (hasMore) out.push(...repositoryChildren(registry, [], true));
    return out;
  }

  /** The repositories of one namespace, as the registry's list (and filter) has them. */
  private namespaceChildren(node: NamespaceNode): ExplorerNode[] {
    const s = this.state.session(node.registry);
    const names = repositoryList(s.catalog.items, s.entry.repositories ?? [], s.filter).filter((r) => namespaceOf(r) === node.namespace);
    return repositoryChildren(node.registry, names, false).map((n) => this.intern(n));
  }

  /** How many repositories the namespace row says it has. */
  namespaceCount(node: NamespaceNode): number {
    const s = this.state.peek(node.registry);
    return s ? repositoryList(s.catalog.items, s.entry.repositories ?? [], s.filter).filter((r) => namespaceOf(r) === node.namespace).length : 0;
  }

  private async tagNodes(node: RepositoryNode): Promise<ExplorerNode[]> {
    const s = this.state.session(node.registry);
    const r = this.state.repoState(s, node.repository);
    if (!r.loaded || r.loading) await this.state.loadTags(s, node.repository, r);
    if (r.error) return [this.errorNode(node.registry, node.repository, r.error)];
    const out: ExplorerNode[] = [];
    if (r.incomplete) {
      const message = t('The tag list is incomplete: {0}. Nothing can be deleted from it.', r.incomplete.why);
      out.push(this.note(node.registry, node.repository, { severity: 'info', note: 'incomplete', message, fix: r.incomplete.fix }, 'incomplete'));
    }
    if (r.untagged) out.push(this.intern<UntaggedGroupNode>({ kind: 'untagged', id: untaggedNodeId(node.registry, node.repository), registry: node.registry, repository: node.repository }));
    if (allReferrerTags(r).length > 0) out.push(this.intern<ReferrerGroupNode>({ kind: 'referrerTags', id: referrerGroupNodeId(node.registry, node.repository), registry: node.registry, repository: node.repository }));
    if (r.sorted.length === 0) return [...out, this.note(node.registry, node.repository, { severity: 'info', message: t('No tags'), note: 'noTags' }, 'noTags')];
    const tags = this.state.tagsOf(s, node.repository, r);
    const filter = s.tagFilters.get(node.repository);
    if (filter) out.unshift(this.filterNote(node.registry, node.repository, t('Filtered by "{0}": {1} of {2} tags', filter, tags.length, r.sorted.length)));
    out.push(...tagChildren(node.registry, node.repository, tags, r.shown).map((n) => this.intern(n)));
    const visible = tags.slice(0, r.shown);
    this.state.resolveDigests(s, node.repository, r, visible);
    this.state.readVisibleDetails(s, node.repository, r, visible);
    return out;
  }

  /** Every referrer tag of the repository (its rows say whose each is), their digests resolved as for tags. */
  private referrerTagNodes(node: ReferrerGroupNode): ExplorerNode[] {
    const s = this.state.session(node.registry);
    const r = this.state.repo(node.registry, node.repository);
    if (!r) return [];
    const tags = allReferrerTags(r);
    this.state.resolveDigests(s, node.repository, r, tags);
    return tags.map((tag) => this.intern<TagNode>({ kind: 'tag', id: tagNodeId(node.registry, node.repository, tag), registry: node.registry, repository: node.repository, tag }));
  }

  /** What refers to a tag's image, read when it is expanded (the referrers API, the tag schema, cosign's tags). */
  private async referrerNodes(node: TagNode): Promise<ExplorerNode[]> {
    const r = this.state.repo(node.registry, node.repository);
    const info = r?.digests.get(node.tag);
    if (!r || !info || info instanceof Error || isReferrerTag(node.tag)) return [];
    const found = await this.state.referrers(node.registry, node.repository, info.digest);
    if (found instanceof Error) return [this.errorNode(node.registry, node.repository, found)];
    return found.map((x) => this.intern<ReferrerNode>({ kind: 'referrer', id: referrerNodeId(node.registry, node.repository, node.tag, x.digest), registry: node.registry, repository: node.repository, tag: node.tag, digest: x.digest }));
  }

  /** The referrer `node` shows, as last read. */
  referrerOf(node: ReferrerNode): Referrer | undefined {
    const r = this.state.repo(node.registry, node.repository);
    const info = r?.digests.get(node.tag);
    const found = info && !(info instanceof Error) ? r?.referrers.get(info.digest) : undefined;
    return Array.isArray(found) ? found.find((x) => x.digest === node.digest) : undefined;
  }

  /** A multi-arch tag's platform images (the tag row is collapsible only when it is an index). */
  private async platformNodes(node: TagNode): Promise<ExplorerNode[]> {
    const controller = new AbortController();
    const rows = await this.state.platforms(node.registry, node.repository, node.tag, controller.signal);
    const r = this.state.repo(node.registry, node.repository);
    return rows.map(({ platform, size }) => {
      const id = platformNodeId(node.registry, node.repository, node.tag, platform.digest);
      if (r && size !== undefined) r.platformSizes.set(platform.digest, size);
      return this.intern<PlatformNode>({ kind: 'platform', id, registry: node.registry, repository: node.repository, tag: node.tag, digest: platform.digest, platform: platformName(platform) });
    });
  }

  private manifestNodes(node: UntaggedGroupNode): ExplorerNode[] {
    const u = this.state.repo(node.registry, node.repository)?.untagged;
    if (u?.error) return [this.errorNode(node.registry, node.repository, u.error)];
    const rows = u?.rows ?? [];
    if (rows.length === 0) return [this.note(node.registry, node.repository, { severity: 'info', message: t('No untagged manifests'), note: 'noUntagged' }, 'noUntagged')];
    return rows.map((row) => this.intern<ManifestNode>({ kind: 'manifest', id: manifestNodeId(node.registry, node.repository, row.digest), registry: node.registry, repository: node.repository, digest: row.digest }));
  }

  /** The untagged manifest row the tree loaded for `node`. */
  untaggedRow(node: ManifestNode): ManifestRow | undefined {
    return this.state.repo(node.registry, node.repository)?.untagged?.rows?.find((r) => r.digest === node.digest);
  }

  // ---- tree items ----------------------------------------------------------------------------------------

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    switch (node.kind) {
      case 'registry':
        return registryItem(this.state, node, this.state.peek(node.registry)?.entry ?? this.deps.settings().registries.find((r) => r.key === node.registry));
      case 'namespace':
        return namespaceItem(node, this.namespaceCount(node));
      case 'repository':
        return repositoryItem(this.state, node, this.namespaced(node.registry));
      case 'tag':
        return tagItem(this.state, node);
      case 'platform':
        return platformItem(node, this.state.repo(node.registry, node.repository)?.platformSizes.get(node.digest));
      case 'referrerTags':
        return referrerGroupItem(this.state, node);
      case 'referrer':
        return referrerItem(node, this.referrerOf(node));
      case 'untagged':
        return untaggedGroupItem(this.state, node);
      case 'manifest':
        return manifestItem(this.untaggedRow(node), node);
      case 'loadMore':
        return loadMoreItem(node);
      case 'message':
        return messageItem(node, (registry) => this.nodes.get(registryNodeId(registry)) as RegistryNode | undefined);
    }
  }

  async resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (node.kind !== 'tag' || item.tooltip) return item;
    const info = this.state.repo(node.registry, node.repository)?.digests.get(node.tag);
    if (!info || info instanceof Error) return item;
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      const details = await this.state.details(node.registry, node.repository, node.tag, controller.signal);
      if (details) item.tooltip = tagTooltip(this.state, node, info, details);
    } finally {
      sub.dispose();
    }
    return item;
  }
}

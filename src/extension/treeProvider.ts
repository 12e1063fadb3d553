// The Registries view: registry → repositories → tags. It only asks the engine (RegistryClient) and keeps
// what it learnt per registry; the words come from vscode.l10n.t and the shapes from ./model/nodes.ts.
import * as vscode from 'vscode';
import { describeError, isRegistryError } from '../registry/errors';
import { isIndex } from '../registry/mediatypes';
import type { DigestInfo, ManifestInfo, PingResult, RegistryClient } from '../registry/types';
import {
  contextValue,
  formatSize,
  nextShown,
  registryNodeId,
  repositoryChildren,
  repositoryList,
  repositoryNodeId,
  sharedDigests,
  sortTags,
  tagChildren,
  tagDescription,
  type ExplorerNode,
  type LoadMoreNode,
  type MessageNode,
  type RegistryNode,
  type RepositoryNode,
  type TagNode,
} from './model/nodes';
import type { ExplorerSettings, RegistryEntry } from './model/settings';

const t = vscode.l10n.t;

interface TagDetails {
  manifest: ManifestInfo;
  created?: Date;
}

interface RepoState {
  sorted: string[];
  shown: number;
  loading?: Promise<void>;
  error?: unknown;
  loaded: boolean;
  digests: Map<string, DigestInfo | Error>;
  inflight: Set<string>;
  details: Map<string, TagDetails | Error>;
  /** Resolves when nothing is in flight (tests and commands wait on it). */
  idle: Promise<void>;
  markIdle?: () => void;
}

interface Session {
  entry: RegistryEntry;
  client?: Promise<RegistryClient>;
  ping?: Promise<PingResult>;
  catalog: { items: string[]; next?: string; loaded: boolean; loading?: Promise<void>; error?: unknown; unavailable?: boolean };
  filter?: string;
  repos: Map<string, RepoState>;
  /** Bumped on refresh so late answers from before it are dropped. */
  generation: number;
}

export interface TreeDeps {
  settings(): ExplorerSettings;
  createClient(entry: RegistryEntry, settings: ExplorerSettings): Promise<RegistryClient>;
  log: { debug(m: string): void; warn(m: string): void };
}

function newRepoState(): RepoState {
  return { sorted: [], shown: 0, loaded: false, digests: new Map(), inflight: new Set(), details: new Map(), idle: Promise.resolve() };
}

function isAuthError(e: unknown): boolean {
  return isRegistryError(e, 'UNAUTHORIZED') || isRegistryError(e, 'FORBIDDEN') || isRegistryError(e, 'INSUFFICIENT_SCOPE');
}

export class RegistryTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly sessions = new Map<string, Session>();
  private readonly nodes = new Map<string, ExplorerNode>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly deps: TreeDeps) {}

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const s of this.sessions.values()) void this.closeSession(s);
    this.sessions.clear();
    this.changed.dispose();
  }

  // ---- sessions ------------------------------------------------------------------------------------------

  private closeSession(s: Session): Promise<void> {
    s.generation++;
    return (s.client ?? Promise.reject(new Error('no client'))).then(
      (c) => c.close(),
      () => undefined,
    );
  }

  private session(registry: string): Session {
    const entry = this.deps.settings().registries.find((r) => r.key === registry);
    if (!entry) throw new Error(t('{0} is not in the registryExplorer.registries setting any more.', registry));
    let s = this.sessions.get(registry);
    if (!s) {
      s = { entry, catalog: { items: [], loaded: false }, repos: new Map(), generation: 0 };
      this.sessions.set(registry, s);
    }
    return s;
  }

  /** The engine client for a configured registry (created on first use; no I/O until a request). */
  client(registry: string): Promise<RegistryClient> {
    const s = this.session(registry);
    s.client ??= this.deps.createClient(s.entry, this.deps.settings());
    s.client.catch(() => (s.client = undefined));
    return s.client;
  }

  /** The registries that have an engine client (for tests: none before the view asks for anything). */
  openClients(): string[] {
    return [...this.sessions.values()].filter((s) => s.client !== undefined).map((s) => s.entry.key);
  }

  /** The registry's `/v2/` answer, cached per session. */
  ping(registry: string): Promise<PingResult> {
    const s = this.session(registry);
    s.ping ??= this.client(registry).then((c) => c.ping());
    s.ping.catch(() => (s.ping = undefined));
    return s.ping;
  }

  /**
   * Settings or credentials changed: drop sessions whose registry is gone or whose connection settings changed,
   * keep the others (with what they loaded), and redraw.
   */
  reconcile(changedHosts?: Set<string>): void {
    const current = new Map(this.deps.settings().registries.map((r) => [r.key, r]));
    for (const [key, s] of this.sessions) {
      const now = current.get(key);
      const same =
        now &&
        now.url === s.entry.url &&
        now.username === s.entry.username &&
        now.insecure === s.entry.insecure &&
        now.caFile === s.entry.caFile &&
        !changedHosts?.has(key);
      if (!same) {
        void this.closeSession(s);
        this.sessions.delete(key);
      } else if (now) {
        s.entry = now; // e.g. repositories added by hand
      }
    }
    this.changed.fire(undefined);
  }

  /** Forgets what was loaded for `node` (or everything) and redraws it. */
  refresh(node?: ExplorerNode): void {
    if (!node) {
      for (const s of this.sessions.values()) void this.closeSession(s);
      this.sessions.clear();
      this.changed.fire(undefined);
      return;
    }
    const s = this.sessions.get(node.registry);
    if (!s) return this.changed.fire(undefined);
    if (node.kind === 'registry' || (node.kind !== 'repository' && node.kind !== 'tag' && !node.repository)) {
      void this.closeSession(s);
      this.sessions.delete(node.registry);
      this.changed.fire(this.nodes.get(registryNodeId(node.registry)));
      return;
    }
    const repository = node.kind === 'repository' || node.kind === 'tag' ? node.repository : node.repository!;
    this.forgetRepository(node.registry, repository);
  }

  /** Drops the loaded tags of a repository (after a delete) and redraws it. */
  forgetRepository(registry: string, repository: string): void {
    const s = this.sessions.get(registry);
    s?.repos.delete(repository);
    const repoNode = this.nodes.get(repositoryNodeId(registry, repository));
    this.changed.fire(repoNode);
  }

  setFilter(registry: string, filter: string | undefined): void {
    const s = this.session(registry);
    s.filter = filter?.trim() || undefined;
    this.changed.fire(this.nodes.get(registryNodeId(registry)));
  }

  filterOf(registry: string): string | undefined {
    return this.sessions.get(registry)?.filter;
  }

  /** Shows one more page of repositories or tags. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const s = this.session(node.registry);
    if (node.repository) {
      const r = s.repos.get(node.repository);
      if (!r) return;
      r.shown = nextShown(r.shown, this.deps.settings().pageSize, r.sorted.length);
      this.changed.fire(this.nodes.get(repositoryNodeId(node.registry, node.repository)));
      return;
    }
    await this.loadCatalogPage(s);
    this.changed.fire(this.nodes.get(registryNodeId(node.registry)));
  }

  // ---- nodes ---------------------------------------------------------------------------------------------

  /** One object per id, so that refreshing an element and `reveal` find the element VS Code knows. */
  private intern<T extends ExplorerNode>(node: T): T {
    const known = this.nodes.get(node.id);
    if (known && known.kind === node.kind && (node.kind !== 'message' && node.kind !== 'loadMore')) return known as T;
    this.nodes.set(node.id, node);
    return node;
  }

  registryNodes(): RegistryNode[] {
    return this.deps.settings().registries.map((r) => this.intern({ kind: 'registry', id: registryNodeId(r.key), registry: r.key }));
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    if (node.kind === 'registry') return undefined;
    if (node.kind === 'repository') return this.nodes.get(registryNodeId(node.registry));
    const repository = node.kind === 'tag' ? node.repository : node.repository;
    return this.nodes.get(repository ? repositoryNodeId(node.registry, repository) : registryNodeId(node.registry));
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) return this.registryNodes();
    try {
      if (node.kind === 'registry') return await this.repositoryNodes(node);
      if (node.kind === 'repository') return await this.tagNodes(node);
    } catch (e) {
      return [this.errorNode(node.registry, node.kind === 'repository' ? node.repository : undefined, e)];
    }
    return [];
  }

  private errorNode(registry: string, repository: string | undefined, e: unknown): MessageNode {
    const { message: text, fix } = describeError(e);
    const message = text.charAt(0).toUpperCase() + text.slice(1);
    const parent = repository ? repositoryNodeId(registry, repository) : registryNodeId(registry);
    return this.intern({ kind: 'message', id: `${parent}|error`, registry, repository, severity: 'error', message, fix, auth: isAuthError(e) });
  }

  private infoNode(registry: string, repository: string | undefined, note: MessageNode['note'], message: string): MessageNode {
    const parent = repository ? repositoryNodeId(registry, repository) : registryNodeId(registry);
    return this.intern({ kind: 'message', id: `${parent}|${note}`, registry, repository, severity: 'info', message, note });
  }

  private loadCatalogPage(s: Session): Promise<void> {
    s.catalog.loading ??= (async () => {
      const generation = s.generation;
      try {
        const client = await this.client(s.entry.key);
        const page = await client.repositoriesPage({ pageSize: this.deps.settings().pageSize, cursor: s.catalog.next });
        if (generation !== s.generation) return;
        s.catalog.items.push(...page.items.filter((r) => !s.catalog.items.includes(r)));
        s.catalog.next = page.next;
        s.catalog.error = undefined;
      } catch (e) {
        if (generation !== s.generation) return;
        if (isRegistryError(e, 'CATALOG_UNAVAILABLE')) s.catalog.unavailable = true;
        else s.catalog.error = e;
        s.catalog.next = undefined;
      } finally {
        s.catalog.loaded = true;
        s.catalog.loading = undefined;
      }
    })();
    return s.catalog.loading;
  }

  private async repositoryNodes(node: RegistryNode): Promise<ExplorerNode[]> {
    const s = this.session(node.registry);
    if (!s.catalog.loaded || s.catalog.loading) await this.loadCatalogPage(s);
    const manual = s.entry.repositories ?? [];
    const names = repositoryList(s.catalog.items, manual, s.filter);
    const out: ExplorerNode[] = [];
    if (s.catalog.error) out.push(this.errorNode(node.registry, undefined, s.catalog.error));
    out.push(...repositoryChildren(node.registry, names, s.catalog.next !== undefined).map((n) => this.intern(n)));
    if (names.length === 0 && !s.catalog.error) {
      if (s.filter && (s.catalog.items.length > 0 || manual.length > 0)) {
        out.push(this.infoNode(node.registry, undefined, 'filtered', t('No repository matches "{0}"', s.filter)));
      } else if (s.catalog.unavailable) {
        out.push(this.infoNode(node.registry, undefined, 'noCatalog', t('This registry does not list its repositories')));
      } else if (!s.catalog.next) {
        out.push(this.infoNode(node.registry, undefined, 'noRepositories', t('No repositories yet')));
      }
    }
    return out;
  }

  private repoState(s: Session, repository: string): RepoState {
    let r = s.repos.get(repository);
    if (!r) {
      r = newRepoState();
      s.repos.set(repository, r);
    }
    return r;
  }

  private loadTags(s: Session, repository: string, r: RepoState): Promise<void> {
    r.loading ??= (async () => {
      try {
        const client = await this.client(s.entry.key);
        const tags = await client.listTags(repository);
        const settings = this.deps.settings();
        r.sorted = sortTags(tags, settings.tagSort);
        r.shown = Math.min(r.sorted.length, settings.pageSize);
        r.error = undefined;
      } catch (e) {
        r.error = e;
      } finally {
        r.loaded = true;
        r.loading = undefined;
      }
    })();
    return r.loading;
  }

  private async tagNodes(node: RepositoryNode): Promise<ExplorerNode[]> {
    const s = this.session(node.registry);
    const r = this.repoState(s, node.repository);
    if (!r.loaded || r.loading) await this.loadTags(s, node.repository, r);
    if (r.error) return [this.errorNode(node.registry, node.repository, r.error)];
    if (r.sorted.length === 0) return [this.infoNode(node.registry, node.repository, 'noTags', t('No tags'))];
    const children = tagChildren(node.registry, node.repository, r.sorted, r.shown).map((n) => this.intern(n));
    this.resolveDigests(s, node, r, r.sorted.slice(0, r.shown));
    return children;
  }

  /** Resolves the digests of the visible tags in the background, in batches, redrawing as they come in. */
  private resolveDigests(s: Session, node: RepositoryNode, r: RepoState, visible: string[]): void {
    const todo = visible.filter((tag) => !r.digests.has(tag) && !r.inflight.has(tag));
    if (todo.length === 0) return;
    const generation = s.generation;
    for (const tag of todo) r.inflight.add(tag);
    if (!r.markIdle) r.idle = new Promise<void>((resolve) => (r.markIdle = resolve));
    const settle = () => {
      if (r.inflight.size === 0 && r.markIdle) {
        r.markIdle();
        r.markIdle = undefined;
      }
    };
    void (async () => {
      try {
        const client = await this.client(s.entry.key);
        await client.resolveMany(node.repository, todo, {
          concurrency: this.deps.settings().concurrency,
          onResult: (tag, result) => {
            if (generation !== s.generation || s.repos.get(node.repository) !== r) return;
            r.digests.set(tag, result);
            r.inflight.delete(tag);
            this.redrawSoon(node);
          },
        });
      } catch (e) {
        this.deps.log.warn(`could not resolve the tags of ${node.repository} on ${node.registry}: ${describeError(e).message}`);
        for (const tag of todo) if (!r.digests.has(tag)) r.digests.set(tag, e instanceof Error ? e : new Error(String(e)));
        this.redrawSoon(node);
      } finally {
        for (const tag of todo) r.inflight.delete(tag);
        settle();
      }
    })();
  }

  /** Coalesces redraws of a repository while its digests stream in (one redraw per ~100 ms). */
  private redrawSoon(node: RepositoryNode): void {
    if (this.timers.has(node.id)) return;
    this.timers.set(
      node.id,
      setTimeout(() => {
        this.timers.delete(node.id);
        this.changed.fire(node);
      }, 100),
    );
  }

  /** Resolves when the digests of the visible tags of `node` are all known (or failed). For tests and commands. */
  async whenDigestsSettled(node: RepositoryNode): Promise<void> {
    const r = this.sessions.get(node.registry)?.repos.get(node.repository);
    if (!r) return;
    await r.loading;
    await r.idle;
  }

  /** The digest of a tag: as the tree knows it, else resolved now. */
  async digestOf(node: TagNode): Promise<DigestInfo> {
    const known = this.sessions.get(node.registry)?.repos.get(node.repository)?.digests.get(node.tag);
    if (known && !(known instanceof Error)) return known;
    const client = await this.client(node.registry);
    return client.resolve(node.repository, node.tag);
  }

  /** The (sorted) tags the tree has loaded for a repository, or undefined when not loaded. */
  loadedTags(registry: string, repository: string): string[] | undefined {
    const r = this.sessions.get(registry)?.repos.get(repository);
    return r?.loaded && !r.error ? r.sorted : undefined;
  }

  // ---- tree items ----------------------------------------------------------------------------------------

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    switch (node.kind) {
      case 'registry':
        return this.registryItem(node);
      case 'repository': {
        const item = new vscode.TreeItem(node.repository, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('package');
        item.contextValue = contextValue(node);
        const r = this.sessions.get(node.registry)?.repos.get(node.repository);
        if (r?.loaded && !r.error) item.description = t('{0} tags', r.sorted.length);
        item.tooltip = `${node.registry}/${node.repository}`;
        return item;
      }
      case 'tag':
        return this.tagItem(node);
      case 'loadMore': {
        const item = new vscode.TreeItem(t('Load more…'), vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.contextValue = contextValue(node);
        if (node.remaining !== undefined) item.description = t('{0} more', node.remaining);
        item.command = { command: 'registryExplorer.loadMore', title: t('Load more…'), arguments: [node] };
        return item;
      }
      case 'message':
        return this.messageItem(node);
    }
  }

  private registryItem(node: RegistryNode): vscode.TreeItem {
    const s = this.sessions.get(node.registry);
    const entry = s?.entry ?? this.deps.settings().registries.find((r) => r.key === node.registry);
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

  private tagItem(node: TagNode): vscode.TreeItem {
    const r = this.sessions.get(node.registry)?.repos.get(node.repository);
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
      const known = new Map<string, string>();
      for (const [tag, d] of r.digests) if (!(d instanceof Error)) known.set(tag, d.digest);
      item.description = tagDescription(info.digest, sharedDigests(known, r.sorted).get(node.tag));
      const details = r.details.get(node.tag);
      // Left undefined until hovered: resolveTreeItem then reads the manifest and the config.
      if (details) item.tooltip = this.tagTooltip(node, info, details);
    }
    return item;
  }

  async resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (node.kind !== 'tag' || item.tooltip) return item;
    const r = this.sessions.get(node.registry)?.repos.get(node.repository);
    const info = r?.digests.get(node.tag);
    if (!r || !info || info instanceof Error) return item;
    let details = r.details.get(node.tag);
    if (!details) {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        const client = await this.client(node.registry);
        const manifest = await client.getManifest(node.repository, info.digest, controller.signal);
        const created = await client.getCreated(node.repository, manifest, controller.signal).catch(() => undefined);
        details = { manifest, created };
      } catch (e) {
        if (token.isCancellationRequested) return item;
        details = e instanceof Error ? e : new Error(String(e));
      } finally {
        sub.dispose();
      }
      r.details.set(node.tag, details);
    }
    item.tooltip = this.tagTooltip(node, info, details);
    return item;
  }

  private tagTooltip(node: TagNode, info: DigestInfo, details: TagDetails | Error): vscode.MarkdownString {
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
    if (m.platforms?.length) {
      const platforms = m.platforms.map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
      md.appendText(t('Platforms: {0}', platforms.join(', ')) + '\n\n');
    }
    if (m.totalSize !== undefined) md.appendText(t('Size: {0}', formatSize(m.totalSize)) + '\n\n');
    if (details.created) md.appendText(t('Created: {0}', details.created.toLocaleString()) + '\n\n');
    const r = this.sessions.get(node.registry)?.repos.get(node.repository);
    if (r) {
      const known = new Map<string, string>();
      for (const [tag, d] of r.digests) if (!(d instanceof Error)) known.set(tag, d.digest);
      const others = sharedDigests(known, r.sorted).get(node.tag);
      if (others?.length) md.appendText(t('Same image as: {0}', others.join(', ')));
    }
    return md;
  }

  private messageItem(node: MessageNode): vscode.TreeItem {
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
    item.iconPath = new vscode.ThemeIcon('info');
    if (node.note === 'noCatalog' || node.note === 'noRepositories') {
      item.description = t('Add Repository…');
      const parent = this.nodes.get(registryNodeId(node.registry));
      item.command = { command: 'registryExplorer.addRepository', title: t('Add Repository…'), arguments: [parent] };
    }
    return item;
  }
}

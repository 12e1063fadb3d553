// What the Registries view has loaded, per registry: the engine client, the catalog pages, the filters, and per
// repository its state (./repo-state.ts), loaded here: tags, digests in the background, untagged manifests, and
// details for hover and rows. No `vscode` import: the provider (./provider.ts) asks this cache and redraws when it
// says something changed.
import { errorSentence, isRegistryError, limitsManifestReads, mapLimit, readManifests, readSnapshot, type RepositorySnapshot, sortTags, untaggedGarbage, type DigestInfo, type PingResult, type Provider, type Quota, type Referrer, type ProviderName, type RegistryClient, type TagDetail } from '../../engine';
import { newestFirst, nextShown } from '../model/nodes';
import type { ExplorerSettings, RegistryEntry } from '../model/settings';
import { platformImages, readReferrers, readTagDetails, type PlatformImage } from './details';
import { newRepoState, releaseTags, tagTime, type RepoState, type Session, type TagDetails } from './repo-state';

export { SharedDigests, type Catalog, type RepoState, type Session, type TagDetails } from './repo-state';

/** Background reads of age and size at a time: the tree must stay a light user of the registry. */
const DETAIL_READS = 2;

export interface TreeStateDeps {
  settings(): ExplorerSettings;
  createClient(entry: RegistryEntry, settings: ExplorerSettings): Promise<RegistryClient>;
  log: { debug(m: string): void; warn(m: string): void };
  /** Something under a registry (and repository, when given) changed: redraw it. */
  changed(registry?: string, repository?: string, soon?: boolean): void;
  /** The service's API has few requests left (Docker Hub, GitHub, GitLab): said once per registry and quota window. */
  lowQuota?(registry: string, quota: Quota): void;
  /** Only these tag rows of a repository changed (their age and size came in): redraw them, without hurry. */
  rowsChanged(registry: string, repository: string, tags: readonly string[]): void;
}

export class TreeState {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly deps: TreeStateDeps) {}

  dispose(): void {
    for (const s of this.sessions.values()) void this.close(s);
    this.sessions.clear();
  }

  private close(s: Session): Promise<void> {
    s.generation++;
    return (s.client ?? Promise.reject(new Error('no client'))).then(
      (c) => c.close(),
      () => undefined,
    );
  }

  session(registry: string): Session {
    const entry = this.deps.settings().registries.find((r) => r.key === registry);
    if (!entry) throw new Error(`${registry} is not in the registryExplorer.registries setting any more.`);
    let s = this.sessions.get(registry);
    if (!s) {
      s = { entry, catalog: { items: [], loaded: false }, tagFilters: new Map(), counts: new Map(), repos: new Map(), generation: 0 };
      this.sessions.set(registry, s);
    }
    return s;
  }

  peek(registry: string): Session | undefined {
    return this.sessions.get(registry);
  }

  repo(registry: string, repository: string): RepoState | undefined {
    return this.sessions.get(registry)?.repos.get(repository);
  }

  client(registry: string): Promise<RegistryClient> {
    const s = this.session(registry);
    s.client ??= this.deps.createClient(s.entry, this.deps.settings());
    s.client.catch(() => (s.client = undefined));
    return s.client;
  }

  openClients(): string[] {
    return [...this.sessions.values()].filter((s) => s.client !== undefined).map((s) => s.entry.key);
  }

  ping(registry: string): Promise<PingResult> {
    const s = this.session(registry);
    s.ping ??= this.client(registry).then((c) => c.ping());
    s.ping.catch(() => (s.ping = undefined));
    return s.ping;
  }

  /** Drops sessions whose registry is gone or whose connection settings (or secret) changed; keeps the rest. */
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
        now.provider === s.entry.provider &&
        now.apiUrl === s.entry.apiUrl &&
        now.loginWithheld === s.entry.loginWithheld &&
        !changedHosts?.has(key);
      if (!same) {
        void this.close(s);
        this.sessions.delete(key);
      } else if (now) {
        s.entry = now; // e.g. repositories added by hand
      }
    }
  }

  forgetAll(): void {
    this.dispose();
  }

  forgetRegistry(registry: string): void {
    const s = this.sessions.get(registry);
    if (!s) return;
    void this.close(s);
    this.sessions.delete(registry);
  }

  forgetRepository(registry: string, repository: string): void {
    this.sessions.get(registry)?.repos.delete(repository);
  }

  setFilter(registry: string, filter: string | undefined): void {
    this.session(registry).filter = filter?.trim() || undefined;
  }

  setTagFilter(registry: string, repository: string, filter: string | undefined): void {
    const s = this.session(registry);
    const f = filter?.trim();
    if (f) s.tagFilters.set(repository, f);
    else s.tagFilters.delete(repository);
    const r = s.repos.get(repository);
    if (r) r.shown = Math.min(this.deps.settings().pageSize, this.tagsOf(s, repository, r).length);
  }

  /**
   * The repository's release tags in order, narrowed by its tag filter: referrer tags (cosign's `sha256-….sig`, the
   * referrers tag schema's) are not among them; they are shown under their image and in their own group.
   */
  tagsOf(s: Session, repository: string, r: RepoState): string[] {
    const f = s.tagFilters.get(repository)?.toLowerCase();
    const release = releaseTags(r);
    return f ? release.filter((tag) => tag.toLowerCase().includes(f)) : release;
  }

  showMoreTags(registry: string, repository: string): void {
    const s = this.peek(registry);
    const r = s?.repos.get(repository);
    if (s && r) r.shown = nextShown(r.shown, this.deps.settings().pageSize, this.tagsOf(s, repository, r).length);
  }

  loadCatalogPage(s: Session): Promise<void> {
    s.catalog.loading ??= (async () => {
      const generation = s.generation;
      try {
        const client = await this.client(s.entry.key);
        const page = await client.repositoriesPage({ pageSize: this.deps.settings().pageSize, cursor: s.catalog.next });
        if (generation !== s.generation) return;
        s.catalog.items.push(...page.items.filter((r) => !s.catalog.items.includes(r)));
        s.catalog.next = page.next;
        s.catalog.error = undefined;
        // Known before the rows are drawn: on Docker Hub, GHCR and GitLab they are grouped by namespace.
        const provider = await client.provider().catch(() => undefined);
        if (provider) this.noteProvider(s, provider.name);
        s.facts = provider?.repositoryFacts?.bind(provider);
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

  /** Tells once per quota window when a tenth (at least 10) or less of the service's API requests are left. */
  private checkQuota(s: Session, provider: Provider): void {
    const q = provider.quota?.();
    if (!q || q.remaining > Math.max(10, q.limit / 10)) return;
    const window = q.resetsAt?.getTime() ?? 0;
    if (s.quotaWarned === window) return;
    s.quotaWarned = window;
    this.deps.lowQuota?.(s.entry.key, q);
  }

  /** The repository row says "N tags": redrawn when the count it shows changes. */
  private noteCount(s: Session, repository: string, count: number): void {
    if (s.counts.get(repository) === count) return;
    s.counts.set(repository, count);
    this.deps.changed(s.entry.key, repository, true);
  }

  /** The registry row names its provider: redrawn once the provider is known. */
  private noteProvider(s: Session, name: ProviderName): void {
    if (s.provider === name) return;
    s.provider = name;
    this.deps.changed(s.entry.key, undefined, true);
  }

  repoState(s: Session, repository: string): RepoState {
    let r = s.repos.get(repository);
    if (!r) {
      r = newRepoState();
      s.repos.set(repository, r);
    }
    return r;
  }

  /**
   * The tags of a repository: through the provider where it lists them with their digests (no HEAD per tag then), and
   * its untagged manifests where it lists those; otherwise the V2 tag list, whose digests resolve as rows show.
   */
  loadTags(s: Session, repository: string, r: RepoState): Promise<void> {
    r.loading ??= (async () => {
      try {
        const client = await this.client(s.entry.key);
        const provider = await client.provider();
        this.noteProvider(s, provider.name);
        const settings = this.deps.settings();
        const names = provider.listTagDetails
          ? await this.throughProvider(client, provider, repository, r)
          : settings.tagSort === 'newest'
            ? await this.browseWithTimes(client, repository, r, settings.concurrency)
            : await this.browse(client, repository, r);
        r.sorted = settings.tagSort === 'newest' ? newestFirst(sortTags(names, 'semver', settings.versioning), (tag) => tagTime(r, tag)) : sortTags(names, settings.tagSort, settings.versioning);
        r.shown = Math.min(this.tagsOf(s, repository, r).length, settings.pageSize);
        r.error = undefined;
        this.noteCount(s, repository, r.sorted.length);
        this.checkQuota(s, provider);
      } catch (e) {
        r.error = e;
      } finally {
        r.loaded = true;
        r.loading = undefined;
      }
    })();
    return r.loading;
  }

  /**
   * For the `newest` order on a plain V2 registry: every tag's digest and its image's created time, read now (the
   * order needs them all); a list the registry cannot give whole falls back to the plain listing.
   */
  private async browseWithTimes(client: RegistryClient, repository: string, r: RepoState, concurrency: number): Promise<string[]> {
    let snapshot: RepositorySnapshot;
    try {
      snapshot = await readSnapshot(client, repository, { withCreated: true, withIndexes: false, concurrency });
    } catch (e) {
      if (isRegistryError(e, 'INCOMPLETE_LIST')) return this.browse(client, repository, r);
      throw e;
    }
    for (const [tag, info] of snapshot.tags) {
      r.digests.set(tag, info);
      r.shared.set(tag, info.digest);
      const created = snapshot.created?.get(info.digest);
      if (created) r.times.set(tag, created);
    }
    for (const [tag, error] of snapshot.unresolved) r.digests.set(tag, error);
    return [...snapshot.order, ...snapshot.unresolved.keys()].filter((tag, i, all) => all.indexOf(tag) === i);
  }

  private async browse(client: RegistryClient, repository: string, r: RepoState): Promise<string[]> {
    const listing = await client.browseTags(repository);
    r.incomplete = listing.incomplete;
    return listing.items;
  }

  private recordDetails(r: RepoState, details: TagDetail[]): string[] {
    for (const d of details) {
      r.tagDetails.set(d.tag, d);
      r.digests.set(d.tag, { digest: d.digest, mediaType: d.mediaType, size: d.size });
      r.shared.set(d.tag, d.digest);
    }
    return details.map((d) => d.tag);
  }

  /**
   * Tags and untagged manifests from one read where the provider lists manifests (the tags come with it); a failure
   * of that read shows in the Untagged node, and the tags then come from the tag list alone.
   */
  private async throughProvider(client: RegistryClient, provider: Provider, repository: string, r: RepoState): Promise<string[]> {
    if (provider.listManifests) {
      try {
        const { rows, snapshot } = await readManifests(client, repository);
        r.untagged = { rows: untaggedGarbage(rows) };
        const details = snapshot.order.flatMap((tag) => {
          const d = snapshot.details?.get(tag);
          return d ? [{ ...d, mediaType: d.mediaType ?? snapshot.tags.get(tag)?.mediaType }] : [];
        });
        return this.recordDetails(r, details);
      } catch (e) {
        if (isRegistryError(e, 'CANCELLED')) throw e;
        r.untagged = { error: e };
      }
    }
    return this.recordDetails(r, await provider.listTagDetails!(repository));
  }

  /** Resolves the digests of `visible` tags in the background, redrawing as they come in. */
  resolveDigests(s: Session, repository: string, r: RepoState, visible: string[]): void {
    const todo = visible.filter((tag) => !r.digests.has(tag) && !r.inflight.has(tag));
    if (todo.length === 0) return;
    const generation = s.generation;
    for (const tag of todo) r.inflight.add(tag);
    if (!r.markIdle) r.idle = new Promise<void>((resolve) => (r.markIdle = resolve));
    const current = (): boolean => generation === s.generation && s.repos.get(repository) === r;
    const record = (tag: string, result: DigestInfo | Error): void => {
      r.digests.set(tag, result);
      if (!(result instanceof Error)) r.shared.set(tag, result.digest);
      r.inflight.delete(tag);
    };
    void (async () => {
      try {
        const client = await this.client(s.entry.key);
        await client.resolveMany(repository, todo, {
          concurrency: this.deps.settings().concurrency,
          onResult: (tag, result) => {
            if (!current()) return;
            record(tag, result);
            this.deps.changed(s.entry.key, repository, true);
          },
        });
      } catch (e) {
        this.deps.log.warn(`could not resolve the tags of ${repository} on ${s.entry.key}: ${errorSentence(e)}`);
        if (current()) for (const tag of todo) if (!r.digests.has(tag)) record(tag, e instanceof Error ? e : new Error(String(e)));
        this.deps.changed(s.entry.key, repository, true);
      } finally {
        for (const tag of todo) r.inflight.delete(tag);
        if (r.inflight.size === 0 && r.markIdle) {
          r.markIdle();
          r.markIdle = undefined;
        }
      }
    })();
  }

  /**
   * Age and size for the rows on screen, where the registry's own list does not give them (V2): once their digests are
   * in, each visible image's manifest and config are read in the background, two at a time, once per image, and the
   * rows redrawn. Never on Docker Hub, where a manifest read counts as a pull (there the tooltip reads on hover).
   */
  readVisibleDetails(s: Session, repository: string, r: RepoState, visible: string[]): void {
    if (s.provider !== 'distribution' || limitsManifestReads(s.entry.key)) return;
    const generation = s.generation;
    r.detailsDone = r.idle.then(async () => {
      const byDigest = new Map<string, string[]>();
      for (const tag of visible) {
        const info = r.digests.get(tag);
        if (!info || info instanceof Error || r.details.has(tag) || r.detailsInflight.has(tag)) continue;
        byDigest.set(info.digest, [...(byDigest.get(info.digest) ?? []), tag]);
      }
      const groups = [...byDigest.values()];
      for (const tags of groups) for (const tag of tags) r.detailsInflight.add(tag);
      const controller = new AbortController();
      await mapLimit(
        groups,
        DETAIL_READS,
        async ([first, ...rest]: string[]) => {
          if (generation !== s.generation) return controller.abort();
          const read = await this.details(s.entry.key, repository, first, controller.signal);
          if (read) for (const tag of rest) r.details.set(tag, read);
          this.deps.rowsChanged(s.entry.key, repository, [first, ...rest]);
        },
        controller.signal,
      ).catch(() => undefined);
      for (const tags of groups) for (const tag of tags) r.detailsInflight.delete(tag);
    });
  }

  /** Hover details (manifest, created date) of a tag, read once. */
  async details(registry: string, repository: string, tag: string, signal: AbortSignal): Promise<TagDetails | Error | undefined> {
    const r = this.repo(registry, repository);
    return r ? readTagDetails(() => this.client(registry), r, repository, tag, signal) : undefined;
  }

  /** The platform images of a multi-arch tag, each with its size (empty when it is not an index, or unreadable). */
  async platforms(registry: string, repository: string, tag: string, signal: AbortSignal): Promise<PlatformImage[]> {
    const read = await this.details(registry, repository, tag, signal);
    return read && !(read instanceof Error) ? platformImages(await this.client(registry), repository, read, signal) : [];
  }

  /** What refers to `digest` (read once per repository load; a failure is kept and shown as a row). */
  async referrers(registry: string, repository: string, digest: string): Promise<Referrer[] | Error> {
    const r = this.repo(registry, repository);
    return r ? readReferrers(() => this.client(registry), r, repository, digest) : [];
  }

  /** The digest of a tag: as the tree knows it, else resolved now. */
  async digestOf(registry: string, repository: string, tag: string): Promise<DigestInfo> {
    const known = this.repo(registry, repository)?.digests.get(tag);
    if (known && !(known instanceof Error)) return known;
    return (await this.client(registry)).resolve(repository, tag);
  }
}

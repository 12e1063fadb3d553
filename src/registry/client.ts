// The registry client: one session (transport, auth, base URL) and the protocol verbs on top of it, each in its
// own file — listing.ts, manifests.ts, referrers.ts, delete.ts, push.ts, blobs.ts.
import { createBlobChecker } from './blobs';
import { createDeleter } from './delete';
import { isSelfHostedDistribution } from './hosts';
import { createLister } from './listing';
import { createManifestReader } from './manifests';
import { createPusher } from './push';
import { validateDigest, validateRepository } from './reference';
import { createReferrerReader } from './referrers';
import { createSession } from './session';
import { statusError } from './status';
import { isAuthError, isRegistryError, RegistryError } from './errors';
import { detectProvider, providerNamed, type Provider } from './providers';
import type { ListOptions, Page, PageOptions, PingResult, RegistryClient, RegistryOptions } from './types';

export function createRegistryClient(options: RegistryOptions): RegistryClient {
  const session = createSession(options);
  const { host } = session;
  const lister = createLister(session);
  const reader = createManifestReader(session);
  let provider: Promise<Provider> | undefined;

  function getProvider(signal?: AbortSignal): Promise<Provider> {
    provider ??= detectProvider(session, options.provider ?? 'auto', signal).then((name) => {
      session.logger?.debug(`${host}: provider ${name}${options.provider && options.provider !== 'auto' ? ' (named)' : ' (detected)'}`);
      return providerNamed(name, session);
    });
    provider.catch(() => (provider = undefined));
    return provider;
  }

  /** The provider when it is named or already asked for: knowing it then costs no request (detection does). */
  async function knownProvider(signal?: AbortSignal): Promise<Provider | undefined> {
    if (options.provider && options.provider !== 'auto') return getProvider(signal);
    return provider?.catch(() => undefined);
  }

  /**
   * The V2 catalog; where it is not available to the login, the provider's repository list (when it has one). Harbor
   * refuses its catalog to anyone but a system admin with a 401, which reads like a wrong password: the provider's
   * own list then tells (it succeeds for a good login, and fails with the real reason for a bad one).
   */
  async function orProviderRepositories<T>(v2: () => Promise<T>, wrap: (names: string[]) => T, signal?: AbortSignal): Promise<T> {
    // A service whose repositories belong to namespaces (Docker Hub, GHCR, GitLab) lists them itself, with what it
    // knows of each; asked first when that provider is named or already known (detecting it costs requests).
    const known = await knownProvider(signal);
    if (known?.ownRepositoryList && known.listRepositories) return wrap(await known.listRepositories(signal));
    try {
      return await v2();
    } catch (e) {
      if (!isRegistryError(e, 'CATALOG_UNAVAILABLE') && !isAuthError(e)) throw e;
      const p = await getProvider(signal);
      if (!p.listRepositories) throw e;
      return wrap(await p.listRepositories(signal));
    }
  }

  async function ping(signal?: AbortSignal): Promise<PingResult> {
    const base = await session.baseUrl(signal);
    const res = await session.send('/v2/', { method: 'GET', signal });
    if (res.status === 404) {
      throw new RegistryError('NOT_FOUND', `${host} does not answer like a container registry (/v2/ gave 404)`, {
        status: 404,
        fix: 'Check the address: it should be the registry host, without a path.',
      });
    }
    if (res.status !== 200) throw statusError(res, { verb: 'connect' }, host, session.secrets());
    return {
      scheme: base.startsWith('https') ? 'https' : 'http',
      baseUrl: base,
      auth: session.authKind(),
      selfHostedDistribution: isSelfHostedDistribution(host),
    };
  }

  const deleter = createDeleter(session);

  const withRepository =
    <A extends unknown[], R>(fn: (repository: string, ...args: A) => Promise<R>) =>
    async (repository: string, ...args: A): Promise<R> => {
      validateRepository(repository);
      return fn(repository, ...args);
    };

  return {
    host,
    ping,
    provider: getProvider,
    repositoriesPage: (opts?: PageOptions) => orProviderRepositories<Page<string>>(() => lister.page('catalog', undefined, opts), (items) => ({ items }), opts?.signal),
    listRepositories: (opts?: ListOptions) => orProviderRepositories(() => lister.listAll('catalog', undefined, opts), (items) => items, opts?.signal),
    tagsPage: withRepository((repository, opts) => lister.page('tags', repository, opts)),
    listTags: withRepository((repository, opts) => lister.listAll('tags', repository, opts)),
    browseTags: withRepository((repository, opts) => lister.browseAll('tags', repository, opts)),
    ...reader,
    ...createReferrerReader(session, reader),
    ...deleter,
    deleteManifest: async (repository: string, digest: string, signal?: AbortSignal, tags?: readonly string[]) => {
      // Where the V2 DELETE is refused (Docker Hub, GHCR) the provider's own API deletes: Hub by untagging each of
      // the tags the executor checked, GHCR by deleting the package version. The provider is asked only when it is
      // named or already known, or once V2 has refused (405): a plain registry sends nothing more than its DELETE.
      validateRepository(repository);
      validateDigest(digest);
      const viaProvider = async (p: Provider) => ({ digest, alreadyGone: (await p.deleteImage!(repository, digest, tags ?? [], signal)).alreadyGone });
      const first = await knownProvider(signal);
      if (first?.deleteImage) return viaProvider(first);
      try {
        return await deleter.deleteManifest(repository, digest, signal);
      } catch (e) {
        if (first || !isRegistryError(e, 'DELETE_DISABLED')) throw e;
        const detected = await getProvider(signal);
        if (!detected.deleteImage) throw e;
        return viaProvider(detected);
      }
    },
    ...createPusher(session),
    ...createBlobChecker(session),
    close: () => session.close(),
  };
}

export { isHostedRegistry, isLoopbackHost } from './hosts';

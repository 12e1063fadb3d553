// The registry client: one session (transport, auth, base URL) and the protocol verbs on top of it, each in its
// own file — listing.ts, manifests.ts, delete.ts, push.ts.
import { createDeleter } from './delete';
import { isSelfHostedDistribution } from './hosts';
import { createLister } from './listing';
import { createManifestReader } from './manifests';
import { createPusher } from './push';
import { validateRepository } from './reference';
import { createSession } from './session';
import { statusError } from './status';
import { RegistryError } from './errors';
import type { PingResult, RegistryClient, RegistryOptions } from './types';

export function createRegistryClient(options: RegistryOptions): RegistryClient {
  const session = createSession(options);
  const { host } = session;
  const lister = createLister(session);
  const reader = createManifestReader(session);

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

  const withRepository =
    <A extends unknown[], R>(fn: (repository: string, ...args: A) => Promise<R>) =>
    async (repository: string, ...args: A): Promise<R> => {
      validateRepository(repository);
      return fn(repository, ...args);
    };

  return {
    host,
    ping,
    repositoriesPage: (opts) => lister.page('catalog', undefined, opts),
    listRepositories: (opts) => lister.listAll('catalog', undefined, opts),
    tagsPage: withRepository((repository, opts) => lister.page('tags', repository, opts)),
    listTags: withRepository((repository, opts) => lister.listAll('tags', repository, opts)),
    browseTags: withRepository((repository, opts) => lister.browseAll('tags', repository, opts)),
    ...reader,
    ...createDeleter(session),
    ...createPusher(session),
    close: () => session.close(),
  };
}

export { isHostedRegistry, isLoopbackHost } from './hosts';

// Writing: a blob (uploaded in one PUT unless the registry has it) and a manifest under a tag or digest.
// The upload Location comes from the server: Session.send sends credentials only if it is the registry's origin.
import { validateDigest, validateRepository } from './reference';
import type { Session } from './session';
import { statusError } from './status';
import { header } from './transport';

export interface Pusher {
  ensureBlob(repository: string, bytes: Uint8Array, digest: string, signal?: AbortSignal): Promise<void>;
  putManifest(repository: string, ref: string, bytes: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<void>;
}

const pushScope = (repository: string): string => `repository:${repository}:pull,push`;

export function createPusher(session: Session): Pusher {
  const { host } = session;

  async function ensureBlob(repository: string, bytes: Uint8Array, digest: string, signal?: AbortSignal): Promise<void> {
    validateRepository(repository);
    validateDigest(digest);
    const scope = pushScope(repository);
    const op = { verb: 'write', repository, ref: digest } as const;
    const head = await session.send(`/v2/${repository}/blobs/${digest}`, { method: 'HEAD', scope, signal });
    if (head.status === 200) return;
    const start = await session.send(`/v2/${repository}/blobs/uploads/`, { method: 'POST', scope, signal, retry: false });
    const location = header(start, 'location');
    if (start.status !== 202 || !location) throw statusError(start, op, host, session.secrets());
    const url = new URL(location, start.url);
    url.searchParams.set('digest', digest);
    const put = await session.send(url.toString(), { method: 'PUT', scope, headers: { 'content-type': 'application/octet-stream' }, body: bytes, signal, retry: false });
    if (put.status !== 201) throw statusError(put, op, host, session.secrets());
  }

  async function putManifest(repository: string, ref: string, bytes: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<void> {
    validateRepository(repository);
    const res = await session.send(`/v2/${repository}/manifests/${ref}`, {
      method: 'PUT',
      scope: pushScope(repository),
      headers: { 'content-type': mediaType },
      body: bytes,
      signal,
      retry: false,
    });
    if (res.status !== 201 && res.status !== 200) throw statusError(res, { verb: 'write', repository, ref }, host, session.secrets());
  }

  return { ensureBlob, putManifest };
}

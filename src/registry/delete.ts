// The two deleting verbs of the protocol: a manifest by digest (every tag on it goes too), and one tag by name
// (OCI's untag, which distribution 2.8 refuses). Neither decides whether deleting is safe: src/ops does.
import { RegistryError } from './errors';
import { validateDigest, validateRepository, validateTag } from './reference';
import type { Session } from './session';
import { statusError } from './status';
import type { DeleteResult } from './types';

export interface Deleter {
  deleteManifest(repository: string, digest: string, signal?: AbortSignal): Promise<DeleteResult>;
  deleteTag(repository: string, tag: string, signal?: AbortSignal): Promise<void>;
}

const deleteScope = (repository: string): string => `repository:${repository}:delete`;
const isDone = (status: number): boolean => status === 202 || status === 200 || status === 204;

export function createDeleter(session: Session): Deleter {
  const { host } = session;

  async function deleteManifest(repository: string, digest: string, signal?: AbortSignal): Promise<DeleteResult> {
    validateRepository(repository);
    validateDigest(digest);
    // Retried on network errors and 5xx: a DELETE that landed before the connection dropped answers 404 next time.
    const res = await session.send(`/v2/${repository}/manifests/${digest}`, { method: 'DELETE', scope: deleteScope(repository), signal, retry: true });
    if (isDone(res.status)) return { digest, alreadyGone: false };
    if (res.status === 404) return { digest, alreadyGone: true };
    throw statusError(res, { verb: 'delete', repository, ref: digest }, host, session.secrets());
  }

  async function deleteTag(repository: string, tag: string, signal?: AbortSignal): Promise<void> {
    validateRepository(repository);
    validateTag(tag);
    const res = await session.send(`/v2/${repository}/manifests/${tag}`, { method: 'DELETE', scope: deleteScope(repository), signal });
    if (isDone(res.status)) return;
    const err = statusError(res, { verb: 'untag', repository, ref: tag }, host, session.secrets());
    // 404: no such tag; 405, 401, 403: the same answer any delete would get. Anything else: no untag here.
    if (res.status === 404 || res.status === 405 || res.status === 401 || res.status === 403) throw err;
    throw new RegistryError('UNTAG_UNSUPPORTED', `this registry cannot delete a tag alone (${host} answered ${res.status} to removing ${repository}:${tag})`, {
      status: res.status,
      cause: err,
      fix: 'Delete the image by digest instead (every tag on it goes), or use the throw-away fallback: the tag is pointed at a placeholder, which is then deleted.',
    });
  }

  return { deleteManifest, deleteTag };
}

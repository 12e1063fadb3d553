// Whether a repository still holds a blob (HEAD /v2/<repo>/blobs/<digest>): what an undo checks before it pushes a
// manifest back, since garbage collection may have removed the layers and configs a deleted manifest referenced.
import { validateDigest, validateRepository } from './reference';
import type { Session } from './session';
import { statusError } from './status';

export interface BlobChecker {
  /** 200 → true, 404 → false; any other answer throws as every verb does (401, 403, 5xx after retries). */
  hasBlob(repository: string, digest: string, signal?: AbortSignal): Promise<boolean>;
}

export function createBlobChecker(session: Session): BlobChecker {
  async function hasBlob(repository: string, digest: string, signal?: AbortSignal): Promise<boolean> {
    validateRepository(repository);
    validateDigest(digest);
    const res = await session.send(`/v2/${repository}/blobs/${digest}`, { method: 'HEAD', scope: `repository:${repository}:pull`, signal });
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw statusError(res, { verb: 'read-blob', repository, ref: digest }, session.host, session.secrets());
  }
  return { hasBlob };
}

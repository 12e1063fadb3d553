// An HTTP answer that is not the one wanted → a RegistryError in plain words. Classified by the status code and
// the operation asked for (never by matching human text), with the server's own words quoted after redaction.
import { RegistryError } from './errors';
import { isHostedRegistry } from './hosts';
import { redact } from './redact';
import { header, parseRetryAfter, type HttpResponse } from './transport';

/** What the client was doing when the registry answered: names the action in messages and picks the error code. */
export type Operation =
  | { verb: 'connect' }
  | { verb: 'list-repositories' }
  | { verb: 'list-tags'; repository: string }
  | { verb: 'resolve'; repository: string; ref: string }
  | { verb: 'read-manifest'; repository: string; ref: string }
  | { verb: 'read-blob'; repository: string; ref: string }
  | { verb: 'list-referrers'; repository: string; ref: string }
  | { verb: 'delete'; repository: string; ref: string }
  | { verb: 'untag'; repository: string; ref: string }
  | { verb: 'write'; repository: string; ref: string };

/** `app:1.0.0` or `app@sha256:…`. */
export function refText(repository: string, ref: string): string {
  return `${repository}${ref.includes(':') ? '@' : ':'}${ref}`;
}

/** The operation as words after "to": "delete app@sha256:…". */
export function operationText(op: Operation, host: string): string {
  switch (op.verb) {
    case 'connect':
      return `connect to ${host}`;
    case 'list-repositories':
      return `list the repositories of ${host}`;
    case 'list-tags':
      return `list the tags of ${op.repository}`;
    case 'resolve':
      return `resolve ${refText(op.repository, op.ref)}`;
    case 'read-manifest':
      return `read the manifest of ${refText(op.repository, op.ref)}`;
    case 'read-blob':
      return `read the blob ${op.ref} of ${op.repository}`;
    case 'list-referrers':
      return `list what refers to ${op.repository}@${op.ref}`;
    case 'delete':
      return `delete ${refText(op.repository, op.ref)}`;
    case 'untag':
      return `untag ${refText(op.repository, op.ref)}`;
    case 'write':
      return `write ${refText(op.repository, op.ref)}`;
  }
}

/** "2 minutes", "45 seconds": a wait in words. */
export function waitText(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 120) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  if (m < 120) return `${m} minutes`;
  return `${Math.ceil(m / 60)} hours`;
}

/** The first `{errors:[{code,message}]}` entry of a registry error body, its message redacted and cut short. */
function registryErrorBody(res: HttpResponse, secrets: Iterable<string>): { code?: string; message?: string } {
  if (!res.body.length) return {};
  try {
    const first = JSON.parse(res.body.toString('utf8'))?.errors?.[0];
    return {
      code: typeof first?.code === 'string' ? redact(first.code, secrets).slice(0, 60) : undefined,
      message: typeof first?.message === 'string' ? redact(first.message, secrets).slice(0, 200) : undefined,
    };
  } catch {
    return {};
  }
}

const MUTATING = new Set<Operation['verb']>(['delete', 'untag', 'write']);

/**
 * A lock (ACR: deleteEnabled/writeEnabled false → 405 REGISTRY_DISALLOWED_OPERATION) or an immutable tag (Harbor:
 * 412): only this image may not be deleted, and the fix is the service's own.
 */
export function lockedError(host: string, op: Operation, status: number, said = ''): RegistryError {
  const repository = 'repository' in op ? op.repository : '';
  const ref = 'ref' in op ? op.ref : '';
  const image = refText(repository, ref);
  if (status === 405) {
    const name = host.replace(/\.azurecr\.(io|cn|us)(:\d+)?$/, '');
    return new RegistryError('LOCKED', `${image} is locked on ${host}: its delete or write is disabled${said}`, {
      status,
      fix: `Unlock it first if it should go: az acr repository update --name ${name} --image ${image} --delete-enabled true --write-enabled true`,
    });
  }
  return new RegistryError('LOCKED', `${image} is immutable on ${host}: a tag immutability rule protects it${said}`, {
    status,
    fix: 'A project admin can change the rule (Project → Policy → Tag Immutability) if it should go.',
  });
}

/**
 * The error for an unwanted answer. `secrets` are values that must never be quoted (the credentials and tokens
 * in use); server text is also stripped of anything that looks like a credential.
 */
export function statusError(res: HttpResponse, op: Operation, host: string, secrets: Iterable<string> = []): RegistryError {
  const { code, message } = registryErrorBody(res, secrets);
  const said = message ? ` (${code ? `${code}: ` : ''}${message})` : code ? ` (${code})` : '';
  const status = res.status;
  const action = operationText(op, host);
  const repository = 'repository' in op ? op.repository : undefined;
  const ref = 'ref' in op ? op.ref : undefined;
  if (status === 404 && code === 'NAME_UNKNOWN') {
    return new RegistryError('NOT_FOUND', `the repository ${repository} does not exist on ${host}`, { status, fix: 'Check the repository name.' });
  }
  if (status === 404) {
    const what = repository && ref ? refText(repository, ref) : (repository ?? 'that');
    return new RegistryError(code === 'MANIFEST_UNKNOWN' || code === 'BLOB_UNKNOWN' ? 'MANIFEST_UNKNOWN' : 'NOT_FOUND', `${what} was not found on ${host}`, {
      status,
      fix: 'Check the name, tag or digest; it may have been deleted already.',
    });
  }
  if ((status === 405 && code === 'REGISTRY_DISALLOWED_OPERATION') || (status === 412 && (op.verb === 'delete' || op.verb === 'untag'))) {
    return lockedError(host, op, status, said);
  }
  if (status === 405 && (op.verb === 'delete' || op.verb === 'untag')) {
    return new RegistryError('DELETE_DISABLED', `deletion is disabled on ${host}`, {
      status,
      fix: isHostedRegistry(host)
        ? // Docker Hub, for one, answers 405 UNSUPPORTED to every V2 DELETE: its deletes go through its own API.
          'This hosted registry does not delete through the registry API; delete the image in its web interface or with its own API.'
        : 'Deleting images must be turned on in the registry. For the CNCF distribution registry set storage.delete.enabled: true in its config (or REGISTRY_STORAGE_DELETE_ENABLED=true) and restart it.',
    });
  }
  if (status === 401) return new RegistryError('UNAUTHORIZED', `${host} refused to ${action}${said}`, { status, need: 'credentials', fix: 'Check the credentials for this registry.' });
  if (status === 403) {
    return new RegistryError('FORBIDDEN', `${host} does not allow you to ${action}${said}`, {
      status,
      need: 'permission',
      fix: MUTATING.has(op.verb) ? `A login with ${op.verb === 'write' ? 'push' : 'delete'} rights on ${repository} is needed.` : 'A login with that permission is needed.',
    });
  }
  if (status === 429) {
    const wait = parseRetryAfter(header(res, 'retry-after'));
    return new RegistryError('RATE_LIMITED', `${host} is rate-limiting requests; could not ${action}`, {
      status,
      fix: `${wait === undefined ? 'Wait a little' : `Wait ${waitText(wait)}`} and try again, or lower the concurrency.`,
    });
  }
  if (status >= 500) return new RegistryError('SERVER', `${host} failed with ${status} while trying to ${action}${said}`, { status, fix: 'The registry has a problem; try again later.' });
  if (status === 400 && (code === 'DIGEST_INVALID' || code === 'TAG_INVALID' || code === 'NAME_INVALID' || code === 'MANIFEST_INVALID')) {
    return new RegistryError('BAD_INPUT', `${host} rejected the request to ${action}${said}`, { status });
  }
  return new RegistryError('BAD_RESPONSE', `${host} answered ${status} when asked to ${action}${said}`, { status });
}

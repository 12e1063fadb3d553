// Bringing back a package version GHCR deleted, through GitHub's REST API (ghcr.ts uses this): the reference the undo
// journal keeps for it, checked when it is read back from disk, the restore request's path, and GitHub's answers
// to it in plain words.
//
// GitHub's description (packages: restore a package version, API version 2022-11-28): POST
// {P}/packages/{package_type}/{package_name}/versions/{package_version_id}/restore with P = /user, /orgs/{org} or
// /users/{username} → 204; 401, 403, 404 as `basic-error`. A version can be restored when it was deleted within the
// last 30 days and its namespace and version are not reused; the token needs read:packages and write:packages, and
// the login admin rights on the package (in an organisation: on the package, or of the organisation). GitHub brings
// the version back with its tags.
//
// Invariants: the reference is plain data (the owner, whether it is an organisation, the package name, the version
// id): never a token or anything read from the login. A reference read back from the journal is used only for the
// package of the repository being restored, and its owner and name only as encoded path segments.
import { RegistryError } from '../errors';
import { header, type HttpResponse } from '../transport';
import { githubError, githubMessage, scopeList, TOKEN_PAGE } from './ghcr-errors';
import type { ProviderRef } from './types';

/** One deleted package version, as the journal keeps it. */
export interface GhcrRef {
  /** The owner's login, lower case. */
  owner: string;
  /** `org`: the package belongs to an organisation (/orgs/{org}); `user`: to a user (/user or /users/{username}). */
  ownerType: 'user' | 'org';
  /** The package name, not encoded (`tools/cli`). */
  package: string;
  versionId: number;
}

export function ghcrRef(ref: GhcrRef): ProviderRef {
  return { owner: ref.owner, ownerType: ref.ownerType, package: ref.package, versionId: ref.versionId };
}

/**
 * The reference the journal holds, checked: the shape `ghcrRef` writes, naming the package of `repository`
 * (`owner`/`name`, as split by ghcr.ts). Throws BAD_INPUT otherwise: a journal edited by hand, or another package's.
 */
export function checkedGhcrRef(ref: ProviderRef, owner: string, name: string, repository: string): GhcrRef {
  const { owner: o, ownerType, package: p, versionId } = ref;
  const shaped = typeof o === 'string' && (ownerType === 'user' || ownerType === 'org') && typeof p === 'string' && typeof versionId === 'number' && Number.isSafeInteger(versionId) && versionId > 0;
  if (!shaped || o.toLowerCase() !== owner || p !== name) {
    throw new RegistryError('BAD_INPUT', `the undo journal’s GitHub reference for ${repository} is not one this version of regx wrote for that package`, {
      fix: 'The journal entry was changed by hand or belongs to another package: restore the version from the package’s settings on GitHub instead.',
    });
  }
  return { owner: o.toLowerCase(), ownerType, package: p, versionId };
}

/** The restore request's path for `ref`, as the login `username` (its own packages are under /user). */
export function restorePath(ref: GhcrRef, username: string | undefined): string {
  const prefix = ref.ownerType === 'org' ? `/orgs/${encodeURIComponent(ref.owner)}` : ref.owner === username ? '/user' : `/users/${encodeURIComponent(ref.owner)}`;
  return `${prefix}/packages/container/${encodeURIComponent(ref.package)}/versions/${ref.versionId}/restore`;
}

/**
 * The packages scope a 403 says the token lacks for a restore, if it says one: with the token's scopes
 * (X-OAuth-Scopes), write:packages when they lack it (it includes read:packages); without them, the one GitHub names.
 */
function missingScope(res: HttpResponse, said: string): string | undefined {
  const granted = header(res, 'x-oauth-scopes');
  if (granted === undefined) return said.match(/\b(?:read|write):packages\b/)?.[0];
  return scopeList(granted).includes('write:packages') ? undefined : 'write:packages';
}

/** The error for GitHub's answer to a restore of version `ref` of `repository` that is not 204. */
export function restoreError(res: HttpResponse, ref: GhcrRef, repository: string, host: string, secrets: Iterable<string>): RegistryError {
  const what = `restore version ${ref.versionId} of ${repository}`;
  const status = res.status;
  const message = githubMessage(res, secrets);
  const said = message ? ` (GitHub said: ${message})` : '';
  if (status === 404) {
    return new RegistryError('NOT_FOUND', `GitHub no longer has that version (deleted over 30 days ago, or its name was reused): it cannot be restored; could not ${what}${said}`, {
      status,
      fix: 'Nothing of it can come back through GitHub. If it was deleted less than 30 days ago, log in as an account that can administer the package (the one that deleted it) and try again.',
    });
  }
  const general = githubError(res, { what, scope: 'read:packages' }, host, secrets);
  if (general.code === 'RATE_LIMITED' || status >= 500) return general;
  if (status === 401) {
    return new RegistryError('UNAUTHORIZED', general.message, {
      status,
      need: 'credentials',
      fix: `Log in with a valid personal access token (classic) with the read:packages and write:packages scopes; make one at ${TOKEN_PAGE}.`,
    });
  }
  if (status === 403) {
    const scope = missingScope(res, said);
    if (scope) {
      return new RegistryError('INSUFFICIENT_SCOPE', `the GitHub token for ${host} lacks the ${scope} scope needed to ${what}`, {
        status,
        scope,
        need: 'permission',
        fix: `Restoring a package version needs a personal access token (classic) with read:packages and write:packages: add ${scope} at ${TOKEN_PAGE} and log in with it.`,
      });
    }
    return new RegistryError('FORBIDDEN', `GitHub does not allow this login to ${what}${said}`, {
      status,
      need: 'permission',
      fix: 'Restoring a package version needs admin rights on the package (for an organisation’s package: admin of the package, or of the organisation).',
    });
  }
  return general;
}

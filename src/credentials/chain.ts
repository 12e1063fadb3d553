// Several credential sources asked in order; the first that has a credential wins.
import type { Credential, CredentialSource } from '../registry/types';

/**
 * Asks each source in turn and returns the first credential found. A source that throws does not hide the
 * later ones: its error is raised only when no source has a credential (so a broken docker helper does not
 * block a login saved in the extension, yet is not silently swallowed either).
 */
export function chainCredentialSources(...sources: (CredentialSource | undefined)[]): CredentialSource {
  const list = sources.filter((s): s is CredentialSource => s !== undefined);
  return async (host): Promise<Credential | undefined> => {
    let firstError: unknown;
    let failed = false;
    for (const source of list) {
      try {
        const c = await source(host);
        if (c !== undefined) return c;
      } catch (e) {
        if (!failed) firstError = e;
        failed = true;
      }
    }
    if (failed) throw firstError;
    return undefined;
  };
}

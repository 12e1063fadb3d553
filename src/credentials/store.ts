// Where the user's own registry logins live. The extension backs this with VS Code's SecretStorage; the CLI and
// tests can use the in-memory store. Keys are normalised hosts (`host[:port]`, Docker Hub as registry-1.docker.io).
import type { Credential, CredentialSource } from '../registry/types';
import { parseRegistry } from '../registry/reference';

export interface CredentialStore {
  get(host: string): Promise<Credential | undefined>;
  set(host: string, credential: Credential): Promise<void>;
  delete(host: string): Promise<void>;
}

/**
 * The key a host is stored under: `localhost:5000`, `http://LOCALHOST:5000/`, `docker.io` and
 * `https://index.docker.io/v1/` all map to their normalised `host[:port]`. Throws BAD_INPUT for a non-host.
 */
export function credentialKey(hostOrUrl: string): string {
  const withoutPath = hostOrUrl.trim().replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?([^/]*).*$/, '$1$2');
  return parseRegistry(withoutPath).host;
}

/** True when the credential carries anything to log in with. */
export function hasSecret(c: Credential | undefined): c is Credential {
  return c !== undefined && Boolean(c.password || c.identityToken || c.registryToken || c.username);
}

/** A credential source that reads the store under the normalised host. */
export function toCredentialSource(store: CredentialStore): CredentialSource {
  return async (host) => {
    const c = await store.get(credentialKey(host));
    return hasSecret(c) ? c : undefined;
  };
}

/** A store in memory (CLI sessions, tests). Copies values in and out so callers cannot change what is stored. */
export function memoryCredentialStore(initial: Record<string, Credential> = {}): CredentialStore {
  const map = new Map<string, Credential>();
  for (const [host, c] of Object.entries(initial)) map.set(credentialKey(host), { ...c });
  return {
    get: async (host) => {
      const c = map.get(credentialKey(host));
      return c && { ...c };
    },
    set: async (host, credential) => {
      map.set(credentialKey(host), { ...credential });
    },
    delete: async (host) => {
      map.delete(credentialKey(host));
    },
  };
}

// Where the user's own registry logins live. The extension backs this with VS Code's SecretStorage; the CLI and
// tests can use the in-memory store. Keys are normalised hosts (`host[:port]`, Docker Hub as registry-1.docker.io).
import type { Credential, CredentialSource } from '../registry/types';
import { registryKey } from '../registry/reference';

export interface CredentialStore {
  get(host: string): Promise<Credential | undefined>;
  set(host: string, credential: Credential): Promise<void>;
  delete(host: string): Promise<void>;
}

/** True when the credential carries a login: a user name, a password or a token. */
export function hasLogin(c: Credential | undefined): c is Credential {
  return c !== undefined && Boolean(c.password || c.identityToken || c.registryToken || c.username);
}

/** A credential source that reads the store under the normalised host. */
export function toCredentialSource(store: CredentialStore): CredentialSource {
  return async (host) => {
    const c = await store.get(registryKey(host));
    return hasLogin(c) ? c : undefined;
  };
}

/** A store in memory (CLI sessions, tests). Copies values in and out so callers cannot change what is stored. */
export function memoryCredentialStore(initial: Record<string, Credential> = {}): CredentialStore {
  const map = new Map<string, Credential>();
  for (const [host, c] of Object.entries(initial)) map.set(registryKey(host), { ...c });
  return {
    get: async (host) => {
      const c = map.get(registryKey(host));
      return c && { ...c };
    },
    set: async (host, credential) => {
      map.set(registryKey(host), { ...credential });
    },
    delete: async (host) => {
      map.delete(registryKey(host));
    },
  };
}

// The user's registry logins in VS Code's SecretStorage, keyed by the registry's normalised host
// (`registryExplorer.credential/localhost:5000`). Nothing secret is ever written to settings or global state.
import type * as vscode from 'vscode';
import { hasLogin, registryKey, type Credential, type CredentialStore } from '../engine';
import { secretKey } from './model/settings';

export interface SecretCredentialStore extends CredentialStore {
  /** Fires with the host whose secret changed (set, deleted, or changed in another window). */
  readonly onDidChange: vscode.Event<string>;
}

const PREFIX = secretKey('');

export function secretCredentialStore(secrets: vscode.SecretStorage, onSecretSeen: (value: string | undefined) => void): SecretCredentialStore {
  return {
    async get(host) {
      const raw = await secrets.get(secretKey(registryKey(host)));
      if (!raw) return undefined;
      let c: Credential;
      try {
        c = JSON.parse(raw) as Credential;
      } catch {
        return undefined; // not ours or corrupt: behave as if nothing was saved
      }
      const clean: Credential = {};
      if (typeof c.username === 'string') clean.username = c.username;
      if (typeof c.password === 'string') clean.password = c.password;
      if (typeof c.identityToken === 'string') clean.identityToken = c.identityToken;
      if (typeof c.registryToken === 'string') clean.registryToken = c.registryToken;
      onSecretSeen(clean.password);
      onSecretSeen(clean.identityToken);
      onSecretSeen(clean.registryToken);
      return hasLogin(clean) ? clean : undefined;
    },
    async set(host, credential) {
      const c: Credential = {};
      if (credential.username) c.username = credential.username;
      if (credential.password) c.password = credential.password;
      if (credential.identityToken) c.identityToken = credential.identityToken;
      if (credential.registryToken) c.registryToken = credential.registryToken;
      onSecretSeen(c.password);
      onSecretSeen(c.identityToken);
      onSecretSeen(c.registryToken);
      await secrets.store(secretKey(registryKey(host)), JSON.stringify(c));
    },
    async delete(host) {
      await secrets.delete(secretKey(registryKey(host)));
    },
    onDidChange: (listener, thisArgs, disposables) =>
      secrets.onDidChange(
        (e) => {
          if (e.key.startsWith(PREFIX)) listener.call(thisArgs, e.key.slice(PREFIX.length));
        },
        undefined,
        disposables,
      ),
  };
}

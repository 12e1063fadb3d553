// The routes for a login the user allowed, and the warning that offers it. A workspace's registry entry that sends
// the login elsewhere (model/login-route.ts) gets none until the user allows that exact route here; the allowed
// routes live in the extension's global state, which a workspace cannot write (unlike its settings).
import * as vscode from 'vscode';
import { loginRoute, type RegistryEntry } from './model';
import { notify } from './ui';

const t = vscode.l10n.t;
const KEY = 'registryExplorer.allowedLoginRoutes';

let store: vscode.Memento | undefined;
/** Routes already warned about in this window (a warning each, not one per settings change). */
const warned = new Set<string>();

export function initLoginTrust(globalState: vscode.Memento): void {
  store = globalState;
}

/** The routes the user allowed (loginRoute values). */
export function allowedRoutes(): ReadonlySet<string> {
  return new Set(store?.get<string[]>(KEY) ?? []);
}

/** Allows the route of `entry`: its login may be sent the way the workspace's settings say. */
export async function allowRoute(entry: RegistryEntry): Promise<void> {
  await store?.update(KEY, [...new Set([...(store?.get<string[]>(KEY) ?? []), loginRoute(entry, entry.key)])]);
}

/**
 * Warns once per route about each entry whose login is withheld, with Allow (then `allowed` runs, to reconnect)
 * and Open User Settings.
 */
export function warnWithheldLogins(entries: readonly RegistryEntry[], allowed: (entry: RegistryEntry) => void): void {
  for (const entry of entries) {
    const route = loginRoute(entry, entry.key);
    if (!entry.loginWithheld || warned.has(route)) continue;
    warned.add(route);
    const allow = t('Allow');
    const open = t('Open User Settings');
    notify('warning', t('Registry Explorer sends no login for {0}: {1}.', entry.key, entry.loginWithheld), [allow, open], async (button) => {
      if (button === open) return vscode.commands.executeCommand('workbench.action.openSettingsJson');
      await allowRoute(entry);
      allowed(entry);
    });
  }
}

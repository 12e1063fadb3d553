// Where a registry entry sends the login saved for its host, and whether the user vouched for that.
//
// SAFETY (a login goes only where the user's own settings send it): `registryExplorer.registries` may be defined by
// the workspace (a cloned repository's .vscode/settings.json), and logins are kept per host. An entry there could
// point the login for the user's registry somewhere else — `apiUrl` (the service's API gets the login), a provider
// whose API is another host (Docker Hub's, GitHub's) — or over a connection an attacker on the network could read
// (`http://` to a host that is not loopback, `insecure`, a `caFile` the repository ships). Such an entry gets no
// login — neither the saved one, nor docker's, nor one typed in — unless the user vouched for exactly that route:
// their user settings have the same entry, or they allowed it once (kept in the extension's global state, which no
// workspace can write). Entries without such fields, and everything from user settings, are unaffected.
import { isLoopbackHost } from '../../engine';
import type { RegistrySetting } from './settings';

/** The providers whose API is on another host than the registry, and the registries that are theirs. */
const API_ELSEWHERE: Record<string, RegExp> = { dockerhub: /(^|\.)docker\.io$/, ghcr: /^ghcr\.io$/ };

/**
 * The fields of `entry` that send its login other than to the registry's own origin over a verified connection,
 * in words ("apiUrl https://x", "plain http"); empty when it goes only there.
 */
export function riskyRoute(entry: RegistrySetting, key: string): string[] {
  const out: string[] = [];
  if (/^http:\/\//i.test(entry.url) && !isLoopbackHost(key)) out.push('plain http');
  if (entry.insecure) out.push('insecure');
  if (entry.caFile) out.push(`caFile ${entry.caFile}`);
  if (entry.apiUrl) out.push(`apiUrl ${entry.apiUrl}`);
  const own = entry.provider ? API_ELSEWHERE[entry.provider] : undefined;
  if (own && !own.test(key)) out.push(`provider ${entry.provider}`);
  return out;
}

/** The route as one string: what the user allows (or their own entry has) is compared by it. */
export function loginRoute(entry: RegistrySetting, key: string): string {
  const scheme = /^http:\/\//i.test(entry.url) ? 'http' : 'https';
  return JSON.stringify([key, scheme, entry.insecure === true, entry.caFile ?? '', entry.apiUrl ?? '', entry.provider ?? 'auto']);
}

export interface RouteVouchers {
  /** Where the effective `registries` list comes from. */
  source: 'user' | 'workspace';
  /** The user's own entries (user settings), raw. */
  own?: unknown;
  /** Routes the user allowed (loginRoute values). */
  allowed?: ReadonlySet<string>;
}

/**
 * Why `entry` gets no login, in words naming the fields and the fix; undefined when its login may be sent.
 * Only a workspace's entry with a risky route is withheld, and only when the user did not vouch for that route.
 */
export function withheldLogin(entry: RegistrySetting, key: string, vouchers: RouteVouchers, ownEntries: ReadonlyMap<string, RegistrySetting>): string | undefined {
  if (vouchers.source === 'user') return undefined;
  const risky = riskyRoute(entry, key);
  if (risky.length === 0) return undefined;
  const route = loginRoute(entry, key);
  const own = ownEntries.get(key);
  if (own && loginRoute(own, key) === route) return undefined;
  if (vouchers.allowed?.has(route)) return undefined;
  return `the workspace's settings give ${key} ${risky.join(', ')}; your login for ${key} is not sent that way until you allow it (or put the same entry in your user settings)`;
}

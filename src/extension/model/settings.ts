// The `registryExplorer.*` settings as plain data, validated, with the edits the commands make to them.
// No `vscode` import: the vscode layer reads the raw values and writes back what these functions return.
import { withheldLogin, type RouteVouchers } from './login-route';
import { DEFAULT_PROTECT, parseRegistry, PROVIDER_CHOICES, registryKey, VERSIONINGS, type ProviderChoice, type TagSort, type Versioning } from '../../engine';

/** One entry of `registryExplorer.registries`, exactly as stored in settings (never a secret). */
export interface RegistrySetting {
  url: string;
  username?: string;
  insecure?: boolean;
  caFile?: string;
  repositories?: string[];
  /** Which hosted API speaks for it besides V2; `auto` (the default) detects it. */
  provider?: ProviderChoice;
  /** Where the provider's API is, when not its default (GitHub Enterprise Server, a self-managed GitLab, a proxy). */
  apiUrl?: string;
}

/** A valid entry with its key: the normalised `host[:port]`. */
export interface RegistryEntry extends RegistrySetting {
  readonly key: string;
  /** Why no login is sent for this entry (a workspace's entry routes it elsewhere; login-route.ts); else undefined. */
  readonly loginWithheld?: string;
}

export type TreeTagSort = TagSort | 'newest';

export interface ExplorerSettings {
  registries: RegistryEntry[];
  /** Entries that could not be used, in plain words (shown once in the log). */
  problems: string[];
  pageSize: number;
  concurrency: number;
  /** The engine's orders, or `newest`: by push (or build) time, which the tree reads. */
  tagSort: TreeTagSort;
  versioning: Versioning;
  protect: string[];
}


function positiveInt(v: unknown, fallback: number, max: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? Math.min(v, max) : fallback;
}

/** Reads raw setting values (as `WorkspaceConfiguration.get` returns them) into checked data. */
export function readSettings(raw: {
  registries?: unknown;
  pageSize?: unknown;
  concurrency?: unknown;
  tagSort?: unknown;
  versioning?: unknown;
  protect?: unknown;
  /** Where `registries` comes from, the user's own entries and the routes they allowed (login-route.ts). */
  vouchers?: RouteVouchers;
}): ExplorerSettings {
  const registries: RegistryEntry[] = [];
  const problems: string[] = [];
  const vouchers: RouteVouchers = raw.vouchers ?? { source: 'user' };
  const own = new Map(validEntries(vouchers.own).map((e) => [e.key, checked(e.setting)]));
  for (const { key, setting: s } of validEntries(raw.registries, (p) => problems.push(p))) {
    const entry = checked(s);
    const loginWithheld = withheldLogin(entry, key, vouchers, own);
    if (loginWithheld) problems.push(`registryExplorer.registries: ${loginWithheld}`);
    registries.push({ key, loginWithheld, ...entry });
  }
  return {
    registries,
    problems,
    pageSize: positiveInt(raw.pageSize, 100, 10000),
    concurrency: positiveInt(raw.concurrency, 8, 64),
    tagSort: raw.tagSort === 'alphabetical' || raw.tagSort === 'newest' ? raw.tagSort : 'semver',
    versioning: VERSIONINGS.includes(raw.versioning as Versioning) ? (raw.versioning as Versioning) : 'semver',
    protect: Array.isArray(raw.protect) ? raw.protect.filter((p): p is string => typeof p === 'string') : [...DEFAULT_PROTECT],
  };
}

/** An entry's fields as the extension uses them: wrong types dropped, defaults filled in. */
function checked(s: RegistrySetting): RegistrySetting {
  return {
    url: s.url,
    username: typeof s.username === 'string' && s.username ? s.username : undefined,
    insecure: s.insecure === true,
    caFile: typeof s.caFile === 'string' && s.caFile ? s.caFile : undefined,
    repositories: Array.isArray(s.repositories) ? s.repositories.filter((r): r is string => typeof r === 'string' && r !== '') : [],
    provider: PROVIDER_CHOICES.includes(s.provider as ProviderChoice) ? s.provider : 'auto',
    apiUrl: typeof s.apiUrl === 'string' && /^https?:\/\//i.test(s.apiUrl) ? s.apiUrl : undefined,
  };
}

/**
 * The entries of a raw `registries` list that can be used, each with its key (the first of a key wins); what cannot
 * be used goes to `problem` in plain words (the user's own entries only vouch: theirs are not told).
 */
function validEntries(raw: unknown, problem: (text: string) => void = () => undefined): { key: string; setting: RegistrySetting }[] {
  const out: { key: string; setting: RegistrySetting }[] = [];
  const seen = new Set<string>();
  for (const item of Array.isArray(raw) ? raw : []) {
    if (!item || typeof item !== 'object' || typeof (item as RegistrySetting).url !== 'string') {
      problem('an entry of registryExplorer.registries has no "url"');
      continue;
    }
    const setting = item as RegistrySetting;
    let key: string;
    try {
      key = parseRegistry(setting.url).host;
    } catch (e) {
      problem(`registryExplorer.registries: ${(e as Error).message}`);
      continue;
    }
    if (seen.has(key)) {
      problem(`registryExplorer.registries lists ${key} twice; the first entry is used`);
      continue;
    }
    seen.add(key);
    out.push({ key, setting });
  }
  return out;
}

/** Drops `undefined`/empty fields so settings.json stays tidy. */
function tidy(s: RegistrySetting): RegistrySetting {
  const out: RegistrySetting = { url: s.url };
  if (s.username) out.username = s.username;
  if (s.insecure) out.insecure = true;
  if (s.caFile) out.caFile = s.caFile;
  if (s.repositories && s.repositories.length > 0) out.repositories = [...s.repositories];
  if (s.provider && s.provider !== 'auto') out.provider = s.provider;
  if (s.apiUrl) out.apiUrl = s.apiUrl;
  return out;
}

function sameKey(item: unknown, key: string): boolean {
  if (!item || typeof item !== 'object' || typeof (item as RegistrySetting).url !== 'string') return false;
  try {
    return registryKey((item as RegistrySetting).url) === key;
  } catch {
    return false;
  }
}

/**
 * The raw list with `setting` added, or replacing the entry with the same key (keeping that entry's place and
 * the fields `setting` leaves out, e.g. its repositories).
 */
export function withRegistry(raw: readonly unknown[], setting: RegistrySetting): unknown[] {
  const key = registryKey(setting.url);
  const i = raw.findIndex((item) => sameKey(item, key));
  if (i < 0) return [...raw, tidy(setting)];
  const merged = tidy({ ...(raw[i] as RegistrySetting), ...setting });
  if (setting.username === undefined || setting.username === '') delete merged.username;
  return raw.map((item, j) => (j === i ? merged : item));
}

export function withoutRegistry(raw: readonly unknown[], key: string): unknown[] {
  return raw.filter((item) => !sameKey(item, key));
}

/** The raw list with `repository` added by hand to the registry `key` (no duplicates, A→Z). */
export function withRepository(raw: readonly unknown[], key: string, repository: string): unknown[] {
  return raw.map((item) => {
    if (!sameKey(item, key)) return item;
    const s = item as RegistrySetting;
    const repositories = [...new Set([...(s.repositories ?? []), repository])].sort();
    return { ...s, repositories };
  });
}

/** The key under which a registry's credential is kept in SecretStorage. */
export function secretKey(registry: string): string {
  return `registryExplorer.credential/${registry}`;
}

/** The Registries view's key of a registry address (its normalised host), or the address as given when it is none. */
export function keyOfAddress(address: string): string {
  try {
    return parseRegistry(address).host;
  } catch {
    return address;
  }
}

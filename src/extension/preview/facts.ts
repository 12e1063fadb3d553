// Ages and sizes the preview's read did not bring (a V2 registry lists neither): read in the background once the
// panel shows, through the engine's digest cache (one manifest and one config read per image, each at most once),
// the images to delete first. Never on Docker Hub, where a manifest read counts as a pull, and never through a
// provider (its lists already carry what it knows). What cannot be read stays unknown.
import { digestCache, limitsManifestReads, mapLimit, type RegistryClient } from '../../engine';
import type { ImageFacts } from './model';

/** At most this many images are read; the others stay "unknown" (a huge repository is not read twice over). */
export const MAX_FACT_READS = 2000;
const BATCH_MS = 250;

export interface FactReadOptions {
  concurrency: number;
  signal: AbortSignal;
  /** Called with what was learnt, at most every BATCH_MS and once at the end. */
  onFacts(facts: Map<string, ImageFacts>): void;
}

/** Whether this registry's images may be read for ages and sizes the preview lacks. */
export function mayReadFacts(client: RegistryClient, provider: string | undefined): boolean {
  return (provider === undefined || provider === 'distribution') && !limitsManifestReads(client.host);
}

/** Reads `digests` (in the order given) for their created date and size. Resolves when done or aborted. */
export async function readImageFacts(client: RegistryClient, repository: string, digests: readonly string[], options: FactReadOptions): Promise<void> {
  const cache = digestCache(client);
  let pending = new Map<string, ImageFacts>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    if (pending.size === 0 || options.signal.aborted) return;
    const batch = pending;
    pending = new Map();
    options.onFacts(batch);
  };
  await mapLimit(
    digests.slice(0, MAX_FACT_READS),
    options.concurrency,
    async (digest) => {
      try {
        const manifest = await cache.manifest(repository, digest, options.signal);
        const created = await cache.created(repository, manifest, options.signal).catch(() => undefined);
        pending.set(digest, { when: created?.getTime(), size: manifest.totalSize });
      } catch {
        if (options.signal.aborted) return;
        pending.set(digest, {}); // unreadable: unknown, and not read again
      }
      timer ??= setTimeout(flush, BATCH_MS);
    },
    options.signal,
  ).catch(() => undefined);
  if (timer) clearTimeout(timer);
  flush();
}

// What a registry holds now, read through the engine's client, for tests to compare before and after a deletion.
import { isRegistryError } from '../../src/registry/errors';
import type { RegistryClient } from '../../src/registry/types';

/** tag → digest as the registry says now ({} when the repository is gone), sorted by tag. */
export async function tagMap(client: RegistryClient, repo: string): Promise<Record<string, string>> {
  let tags: string[];
  try {
    tags = await client.listTags(repo);
  } catch (e) {
    if (isRegistryError(e, 'NOT_FOUND')) return {};
    throw e;
  }
  const out: Record<string, string> = {};
  for (const [tag, r] of await client.resolveMany(repo, tags)) {
    if (r instanceof Error) throw r;
    out[tag] = r.digest;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Whether the registry still has the manifest `digest` in `repo`. */
export async function manifestExists(client: RegistryClient, repo: string, digest: string): Promise<boolean> {
  try {
    await client.resolve(repo, digest);
    return true;
  } catch (e) {
    if (isRegistryError(e, 'MANIFEST_UNKNOWN') || isRegistryError(e, 'NOT_FOUND')) return false;
    throw e;
  }
}

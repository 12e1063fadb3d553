// The Prune Tags wizard's questions, in order: repository, versioning (offering a better scheme when the tags look
// Docker-style), range, keep N (per line), options. Every answer is checked with the engine's own validators.
import * as vscode from 'vscode';
import {
  checkKeep,
  checkProtect,
  checkRange,
  checkVariant,
  errorSentence,
  isRegistryError,
  parseDuration,
  suggestVersioning,
  VERSIONINGS,
  type PrunePolicy,
  type Versioning,
} from '../../engine';
import type { Explorer } from '../explorer';
import type { ExplorerNode } from '../model/nodes';
import type { ExplorerSettings, RegistryEntry } from '../model/settings';
import { input, pick, pickMany, validatorFrom } from '../ui';

const t = vscode.l10n.t;

const TITLE = (): string => t('Prune Tags by Semver');

export async function chooseRepository(explorer: Explorer, entry: RegistryEntry, node?: ExplorerNode): Promise<string | undefined> {
  if (node?.kind === 'repository' || node?.kind === 'tag') return node.repository;
  let names: string[] = [...(entry.repositories ?? [])];
  try {
    const client = await explorer.tree.client(entry.key);
    names = [...new Set([...names, ...(await client.listRepositories())])].sort();
  } catch (e) {
    if (!isRegistryError(e, 'CATALOG_UNAVAILABLE')) explorer.log.warn(`could not list the repositories of ${entry.key}: ${errorSentence(e)}`);
  }
  const other = t('Other repository…');
  const items = [...names.map((n) => ({ label: n })), { label: other, description: t('type its name') }];
  const chosen = await pick('prune.repository', items, { title: TITLE(), placeHolder: t('Repository on {0}', entry.key) });
  if (!chosen) return undefined;
  if (chosen.label !== other) return chosen.label;
  return (await input('prune.repositoryName', { title: TITLE(), prompt: t('Repository name, e.g. team/app'), validate: (v) => (v.trim() ? undefined : t('Enter a repository name.')) }))?.trim();
}

function versioningWords(v: Versioning): string {
  switch (v) {
    case 'semver':
      return t('1.2.3, v1.2.3-rc.1: a hyphen starts a prerelease');
    case 'docker':
      return t('3.11, 3.11.6, 1.2.3.4; 3.11-slim: the text after the hyphen is a variant');
    case 'loose':
      return t('2, 2.0, 2.0.1, 1.2.3.4: one to four numbers');
  }
}

/** The repository's tag names, for the versioning suggestion; none when they cannot be read now. */
async function tagNames(explorer: Explorer, entry: RegistryEntry, repository: string): Promise<string[]> {
  try {
    return (await (await explorer.tree.client(entry.key)).browseTags(repository)).items;
  } catch (e) {
    explorer.log.debug(`no versioning suggestion for ${repository}: ${errorSentence(e)}`);
    return [];
  }
}

/** Which tags are versions: the setting first; a scheme that fits these tags better is offered in one line. */
async function askVersioning(explorer: Explorer, entry: RegistryEntry, repository: string, current: Versioning): Promise<Versioning | undefined> {
  const suggestion = suggestVersioning(await tagNames(explorer, entry, repository), current);
  const order = [current, ...VERSIONINGS.filter((v) => v !== current)];
  const items = order.map((v) => ({ label: v, description: v === suggestion?.versioning ? t('suggested for {0}', repository) : versioningWords(v), versioning: v }));
  const placeHolder = suggestion
    ? t('Suggested: {0} versioning — {1}', suggestion.versioning, suggestion.why)
    : t('Versioning of {0}: which tags are versions', repository);
  return (await pick('prune.versioning', items, { title: TITLE(), placeHolder }))?.versioning;
}

/** The questions, in order. Returns the policy or undefined when the user backed out. */
export async function askPolicy(explorer: Explorer, entry: RegistryEntry, repository: string, settings: ExplorerSettings): Promise<{ policy: PrunePolicy; untagged: boolean } | undefined> {
  const title = TITLE();
  const defaultProtect = settings.protect;
  const versioning = await askVersioning(explorer, entry, repository, settings.versioning);
  if (!versioning) return undefined;
  const range = await input('prune.range', {
    title,
    prompt: versioning === 'semver' ? t('Delete tags in this semver range') : t('Delete tags in this range ({0} versioning: the first three numbers count)', versioning),
    placeHolder: '<2.0.0, 1.x, >=1.0.0 <1.5.0, *',
    validate: validatorFrom(checkRange),
  });
  if (range === undefined) return undefined;
  const keepText = await input('prune.keep', {
    title,
    prompt: t('Keep the N newest versions in the range'),
    value: '0',
    validate: validatorFrom(checkKeep),
  });
  if (keepText === undefined) return undefined;
  const policy: PrunePolicy = { range: checkRange(range), keep: checkKeep(keepText), protect: defaultProtect, ...(versioning === 'semver' ? {} : { versioning }) };
  if (policy.keep! > 0) {
    const per = await pick(
      'prune.keepPer',
      [
        { label: versioning === 'docker' ? t('Of each variant and precision') : t('In the whole range'), per: undefined },
        { label: t('Per major version'), description: '1.x, 2.x, …', per: 'major' as const },
        { label: t('Per minor version'), description: '1.2.x, 1.3.x, …', per: 'minor' as const },
      ],
      { title, placeHolder: t('Keep the {0} newest…', policy.keep!) },
    );
    if (!per) return undefined;
    policy.keepPer = per.per;
  }
  const options = await pickMany(
    'prune.options',
    [
      ...(versioning === 'semver' ? [{ label: t('Include prereleases'), description: t('1.2.0-rc.1 and the like are kept otherwise'), option: 'prerelease' }] : []),
      ...(versioning === 'docker' ? [{ label: t('Only some variants…'), description: t('slim, alpine3.18, …'), option: 'variant' }] : []),
      ...((await listsUntagged(explorer, entry)) ? [{ label: t('Also delete untagged manifests'), description: t('that nothing tagged needs; whoever pulls them by digest loses them'), option: 'untagged' }] : []),
      { label: t('Only tags older than…'), description: t('reads each image’s created date'), option: 'older' },
      { label: t('Change protected tags…'), description: t('now: {0}', defaultProtect.join(', ') || t('none')), option: 'protect' },
    ],
    { title, placeHolder: t('Options (none needed: press Enter)') },
  );
  if (!options) return undefined;
  const chosen = new Set(options.map((o) => o.option));
  policy.includePrerelease = chosen.has('prerelease');
  if (chosen.has('older')) {
    const older = await input('prune.olderThan', {
      title,
      prompt: t('Only delete tags created longer ago than (e.g. 30d, 12h, 2w)'),
      value: '30d',
      validate: validatorFrom(parseDuration),
    });
    if (older === undefined) return undefined;
    policy.olderThan = older.trim();
  }
  if (chosen.has('variant')) {
    const variant = await input('prune.variant', {
      title,
      prompt: t('Regular expression of the variants to prune (^$ for tags without one, ^alpine for alpine, alpine3.18, …)'),
      validate: validatorFrom((v) => checkVariant(v, 'docker')),
    });
    if (variant === undefined) return undefined;
    policy.variant = variant;
  }
  if (chosen.has('protect')) {
    const text = await input('prune.protect', {
      title,
      prompt: t('Regular expressions of tags never to delete, separated by spaces'),
      value: defaultProtect.join(' '),
      validate: validatorFrom((v) => checkProtect(v.split(/\s+/).filter(Boolean))),
    });
    if (text === undefined) return undefined;
    policy.protect = text.split(/\s+/).filter(Boolean);
  }
  return { policy, untagged: chosen.has('untagged') };
}

/** Whether the registry's provider can list untagged manifests (so the option makes sense). */
async function listsUntagged(explorer: Explorer, entry: RegistryEntry): Promise<boolean> {
  try {
    return Boolean((await (await explorer.tree.client(entry.key)).provider()).listManifests);
  } catch {
    return false;
  }
}


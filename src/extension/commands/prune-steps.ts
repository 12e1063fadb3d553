// The policy steps of the prune wizard (prune-wizard.ts): versioning → range → keep N → keep per line (when N > 0)
// → options → older than / variants / protected tags (when chosen). Each reads its default from the answers, so
// Back shows the earlier answer; the policy is built from the answers once the last step is answered.
import * as vscode from 'vscode';
import {
  checkKeep,
  checkProtect,
  checkRange,
  checkVariant,
  errorSentence,
  parseDuration,
  sortTags,
  suggestVersioning,
  tagsInRange,
  VERSIONINGS,
  type PrunePolicy,
  type Versioning,
} from '../../engine';
import type { Explorer } from '../explorer';
import type { ExplorerSettings, RegistryEntry } from '../model/settings';
import { outcomeOf, type StepAt, type WizardStep } from '../multistep';
import { stepInput, stepPick, stepPickMany, validatorFrom } from '../ui';

const t = vscode.l10n.t;

export type PruneOption = 'prerelease' | 'variant' | 'untagged' | 'older' | 'protect';

/** The wizard's answers (the password-free plain data Back returns to). */
export interface PruneAnswers {
  entry?: RegistryEntry;
  repository?: string;
  /** "Other repository…" was chosen: its name is typed in the next step. */
  typed?: boolean;
  versioning?: Versioning;
  range?: string;
  /** As typed. */
  keep?: string;
  keepPer?: 'whole' | 'major' | 'minor';
  options?: PruneOption[];
  olderThan?: string;
  variant?: string;
  /** As typed: regular expressions separated by spaces. */
  protect?: string;
}

/** What the steps read from the registry, once per wizard (Back does not read it again). */
export interface PruneReads {
  explorer: Explorer;
  settings: ExplorerSettings;
  repositories: Map<string, string[]>;
  tags: Map<string, string[]>;
  listsUntagged: Map<string, boolean>;
}

const titleOf = (s: PruneAnswers): string => t('Prune {0}', `${s.entry!.key}/${s.repository}`);
const chose = (s: PruneAnswers, option: PruneOption): boolean => s.options?.includes(option) === true;
const words = (text: string | undefined): string[] => (text ?? '').split(/\s+/).filter(Boolean);

function keepsSome(s: PruneAnswers): boolean {
  try {
    return checkKeep(s.keep ?? '0') > 0;
  } catch {
    return false;
  }
}

/** Reads (once, busy on the step shown) what a step needs; undefined when the user pressed Escape meanwhile. */
async function readOnce<T>(cache: Map<string, T>, key: string, at: StepAt<PruneAnswers>, read: () => Promise<T>): Promise<T | undefined> {
  if (cache.has(key)) return cache.get(key);
  const value = await at.session.whileBusy(read);
  if (value !== undefined) cache.set(key, value);
  return value;
}

/** The repository's tag names, for the versioning suggestion and the range's count; none when unreadable now. */
async function tagNames(reads: PruneReads, s: PruneAnswers): Promise<string[]> {
  try {
    return (await (await reads.explorer.tree.client(s.entry!.key)).browseTags(s.repository!)).items;
  } catch (e) {
    reads.explorer.log.debug(`no versioning suggestion for ${s.repository}: ${errorSentence(e)}`);
    return [];
  }
}

/** Whether the registry's provider can list untagged manifests (so the option makes sense). */
async function listsUntagged(reads: PruneReads, entry: RegistryEntry): Promise<boolean> {
  try {
    return Boolean((await (await reads.explorer.tree.client(entry.key)).provider()).listManifests);
  } catch {
    return false;
  }
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

/** "Matches 4 of 9 tags: 1.3.0, 1.2.0, …", by the planner's own matching; nothing when no tags were read. */
export function rangeRemark(tags: readonly string[], range: string, versioning: Versioning): string | undefined {
  if (tags.length === 0) return undefined;
  let matched: string[];
  try {
    matched = sortTags(tagsInRange(tags, { range, versioning }), 'semver', versioning);
  } catch {
    return undefined; // not a range: the validator says why
  }
  if (matched.length === 0) return t('Matches none of the {0} tags', tags.length);
  const names = matched.slice(0, 4).join(', ') + (matched.length > 4 ? ', …' : '');
  return t('Matches {0} of {1} tags: {2}', matched.length, tags.length, names);
}

function versioningStep(reads: PruneReads): WizardStep<PruneAnswers> {
  return {
    name: 'versioning',
    async ask(s, at) {
      const tags = await readOnce(reads.tags, `${s.entry!.key}/${s.repository}`, at, () => tagNames(reads, s));
      if (!tags) return 'cancel';
      const current = reads.settings.versioning;
      const suggestion = suggestVersioning(tags, current);
      const order = [current, ...VERSIONINGS.filter((v) => v !== current)];
      const items = order.map((v) => ({ label: v, description: v === suggestion?.versioning ? t('suggested for {0}', s.repository!) : versioningWords(v), versioning: v }));
      const placeHolder = suggestion ? t('Suggested: {0} versioning — {1}', suggestion.versioning, suggestion.why) : t('Versioning of {0}: which tags are versions', s.repository!);
      const chosen = await stepPick('prune.versioning', items, { ...at, title: titleOf(s), placeHolder, active: items.find((i) => i.versioning === s.versioning) }, at.session);
      return outcomeOf(chosen, (item) => (s.versioning = item.versioning));
    },
  };
}

function rangeStep(reads: PruneReads): WizardStep<PruneAnswers> {
  return {
    name: 'range',
    async ask(s, at) {
      const versioning = s.versioning!;
      const tags = reads.tags.get(`${s.entry!.key}/${s.repository}`) ?? [];
      const range = await stepInput(
        'prune.range',
        {
          ...at,
          title: titleOf(s),
          prompt: versioning === 'semver' ? t('Delete tags in this semver range') : t('Delete tags in this range ({0} versioning: the first three numbers count)', versioning),
          placeHolder: '<2.0.0, 1.x, >=1.0.0 <1.5.0, *',
          value: s.range,
          validate: validatorFrom(checkRange),
          describe: (v) => rangeRemark(tags, v, versioning),
        },
        at.session,
      );
      return outcomeOf(range, (v) => (s.range = v.trim()));
    },
  };
}

const keepStep: WizardStep<PruneAnswers> = {
  name: 'keep',
  async ask(s, at) {
    const keep = await stepInput(
      'prune.keep',
      { ...at, title: titleOf(s), prompt: t('Keep the N newest versions in the range'), value: s.keep ?? '0', validate: validatorFrom(checkKeep), totalIf: (v) => at.totalWith({ keep: v }) },
      at.session,
    );
    return outcomeOf(keep, (v) => (s.keep = v.trim()));
  },
};

const keepPerStep: WizardStep<PruneAnswers> = {
  name: 'keepPer',
  when: keepsSome,
  async ask(s, at) {
    const items = [
      { label: s.versioning === 'docker' ? t('Of each variant and precision') : t('In the whole range'), per: 'whole' as const },
      { label: t('Per major version'), description: '1.x, 2.x, …', per: 'major' as const },
      { label: t('Per minor version'), description: '1.2.x, 1.3.x, …', per: 'minor' as const },
    ];
    const placeHolder = t('Keep the {0} newest…', checkKeep(s.keep));
    const per = await stepPick('prune.keepPer', items, { ...at, title: titleOf(s), placeHolder, active: items.find((i) => i.per === s.keepPer) }, at.session);
    return outcomeOf(per, (item) => (s.keepPer = item.per));
  },
};

function optionsStep(reads: PruneReads): WizardStep<PruneAnswers> {
  return {
    name: 'options',
    async ask(s, at) {
      const untagged = await readOnce(reads.listsUntagged, s.entry!.key, at, () => listsUntagged(reads, s.entry!));
      if (untagged === undefined) return 'cancel';
      const protect = reads.settings.protect;
      const items: (vscode.QuickPickItem & { option: PruneOption })[] = [
        ...(s.versioning === 'semver' ? [{ label: t('Include prereleases'), description: t('1.2.0-rc.1 and the like are kept otherwise'), option: 'prerelease' as const }] : []),
        ...(s.versioning === 'docker' ? [{ label: t('Only some variants…'), description: t('slim, alpine3.18, …'), option: 'variant' as const }] : []),
        ...(untagged ? [{ label: t('Also delete untagged manifests'), description: t('that nothing tagged needs; whoever pulls them by digest loses them'), option: 'untagged' as const }] : []),
        { label: t('Only tags older than…'), description: t('reads each image’s created date'), option: 'older' },
        { label: t('Change protected tags…'), description: t('now: {0}', protect.join(', ') || t('none')), option: 'protect' },
      ];
      const chosen = await stepPickMany(
        'prune.options',
        items,
        {
          ...at,
          title: titleOf(s),
          placeHolder: t('Options (none needed: press Enter)'),
          selected: items.filter((i) => chose(s, i.option)),
          totalIf: (checked) => at.totalWith({ options: checked.map((c) => c.option) }),
        },
        at.session,
      );
      return outcomeOf(chosen, (list) => (s.options = list.map((i) => i.option)));
    },
  };
}

const olderThanStep: WizardStep<PruneAnswers> = {
  name: 'olderThan',
  when: (s) => chose(s, 'older'),
  async ask(s, at) {
    const older = await stepInput(
      'prune.olderThan',
      { ...at, title: titleOf(s), prompt: t('Only delete tags created longer ago than (e.g. 30d, 12h, 2w)'), value: s.olderThan ?? '30d', validate: validatorFrom(parseDuration) },
      at.session,
    );
    return outcomeOf(older, (v) => (s.olderThan = v.trim()));
  },
};

const variantStep: WizardStep<PruneAnswers> = {
  name: 'variant',
  when: (s) => chose(s, 'variant') && s.versioning === 'docker',
  async ask(s, at) {
    const variant = await stepInput(
      'prune.variant',
      {
        ...at,
        title: titleOf(s),
        prompt: t('Regular expression of the variants to prune (^$ for tags without one, ^alpine for alpine, alpine3.18, …)'),
        value: s.variant,
        validate: validatorFrom((v) => checkVariant(v, 'docker')),
      },
      at.session,
    );
    return outcomeOf(variant, (v) => (s.variant = v));
  },
};

function protectStep(reads: PruneReads): WizardStep<PruneAnswers> {
  return {
    name: 'protect',
    when: (s) => chose(s, 'protect'),
    async ask(s, at) {
      const text = await stepInput(
        'prune.protect',
        {
          ...at,
          title: titleOf(s),
          prompt: t('Regular expressions of tags never to delete, separated by spaces'),
          value: s.protect ?? reads.settings.protect.join(' '),
          validate: validatorFrom((v) => checkProtect(words(v))),
        },
        at.session,
      );
      return outcomeOf(text, (v) => (s.protect = v));
    },
  };
}

export function policySteps(reads: PruneReads): WizardStep<PruneAnswers>[] {
  return [versioningStep(reads), rangeStep(reads), keepStep, keepPerStep, optionsStep(reads), olderThanStep, variantStep, protectStep(reads)];
}

/** The policy the answers make (every answer was validated when it was given). */
export function policyOf(s: PruneAnswers, settings: ExplorerSettings): { policy: PrunePolicy; untagged: boolean } {
  const versioning = s.versioning ?? 'semver';
  const keep = checkKeep(s.keep ?? '0');
  const policy: PrunePolicy = { range: checkRange(s.range), keep, protect: chose(s, 'protect') ? words(s.protect) : settings.protect, ...(versioning === 'semver' ? {} : { versioning }) };
  if (keep > 0) policy.keepPer = s.keepPer === 'whole' ? undefined : s.keepPer;
  policy.includePrerelease = versioning === 'semver' && chose(s, 'prerelease');
  if (chose(s, 'older')) policy.olderThan = s.olderThan;
  if (chose(s, 'variant') && versioning === 'docker') policy.variant = s.variant;
  return { policy, untagged: chose(s, 'untagged') };
}

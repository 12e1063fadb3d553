// The Prune Tags by Semver wizard, one multi-step input (multistep.ts): registry (when several and none given) →
// repository (unless given) → versioning (offering a better scheme when the tags look Docker-style) → range
// (saying live how many tags it matches) → keep N (→ per line) → options (→ their values). Every title names the
// target ("Prune host/repo (2/5)"), every step after the first has Back. Answers are checked with the engine's own
// validators, and the range's count is the planner's own matching (tagsInRange) over the tag names read once.
import * as vscode from 'vscode';
import { errorSentence, isRegistryError, type PrunePolicy } from '../../engine';
import { currentSettings, type Explorer } from '../explorer';
import type { ExplorerNode } from '../model/nodes';
import type { ExplorerSettings, RegistryEntry } from '../model/settings';
import { outcomeOf, runWizard, type WizardStep } from '../multistep';
import { notify, stepInput, stepPick, StepSession } from '../ui';
import { policyOf, policySteps, type PruneAnswers, type PruneReads } from './prune-steps';

const t = vscode.l10n.t;

async function repositoryNames(reads: PruneReads, entry: RegistryEntry): Promise<string[]> {
  let names: string[] = [...(entry.repositories ?? [])];
  try {
    const client = await reads.explorer.tree.client(entry.key);
    names = [...new Set([...names, ...(await client.listRepositories())])].sort();
  } catch (e) {
    if (!isRegistryError(e, 'CATALOG_UNAVAILABLE')) reads.explorer.log.warn(`could not list the repositories of ${entry.key}: ${errorSentence(e)}`);
  }
  return names;
}

function registryStep(registries: RegistryEntry[]): WizardStep<PruneAnswers> {
  return {
    name: 'registry',
    async ask(s, at) {
      const items = registries.map((r) => ({ label: r.key, description: r.username ?? t('anonymous'), entry: r }));
      const chosen = await stepPick('prune.registry', items, { ...at, title: t('Prune Tags by Semver'), placeHolder: t('Registry to prune'), active: items.find((i) => i.entry.key === s.entry?.key) }, at.session);
      return outcomeOf(chosen, (item) => (s.entry = item.entry));
    },
  };
}

function repositoryStep(reads: PruneReads): WizardStep<PruneAnswers> {
  return {
    name: 'repository',
    async ask(s, at) {
      const entry = s.entry!;
      const names = reads.repositories.get(entry.key) ?? (await at.session.whileBusy(() => repositoryNames(reads, entry)));
      if (!names) return 'cancel';
      reads.repositories.set(entry.key, names);
      const other = { label: t('Other repository…'), description: t('type its name') };
      const items = [...names.map((n) => ({ label: n })), other];
      const active = s.typed ? other : items.find((i) => i.label === s.repository);
      const chosen = await stepPick(
        'prune.repository',
        items,
        { ...at, title: t('Prune {0}', entry.key), placeHolder: t('Repository on {0}', entry.key), active, totalIf: (item) => at.totalWith({ typed: item === other }) },
        at.session,
      );
      return outcomeOf(chosen, (item) => {
        s.typed = item === other;
        if (!s.typed) s.repository = item.label;
      });
    },
  };
}

const repositoryNameStep: WizardStep<PruneAnswers> = {
  name: 'repositoryName',
  when: (s) => s.typed === true,
  async ask(s, at) {
    const name = await stepInput(
      'prune.repositoryName',
      { ...at, title: t('Prune {0}', s.entry!.key), prompt: t('Repository name, e.g. team/app'), value: s.repository, validate: (v) => (v.trim() ? undefined : t('Enter a repository name.')) },
      at.session,
    );
    return outcomeOf(name, (v) => (s.repository = v.trim()));
  },
};

/** Which steps the wizard has: the registry and repository ones only when not already given. */
function pruneSteps(reads: PruneReads, given: { registries?: RegistryEntry[]; repository: boolean; policy: boolean }): WizardStep<PruneAnswers>[] {
  return [
    ...(given.registries ? [registryStep(given.registries)] : []),
    ...(given.repository ? [] : [repositoryStep(reads), repositoryNameStep]),
    ...(given.policy ? policySteps(reads) : []),
  ];
}

function newReads(explorer: Explorer, settings: ExplorerSettings): PruneReads {
  return { explorer, settings, repositories: new Map(), tags: new Map(), listsUntagged: new Map() };
}

async function run(steps: WizardStep<PruneAnswers>[], state: PruneAnswers): Promise<boolean> {
  const session = new StepSession();
  try {
    return await runWizard(steps, state, session);
  } finally {
    session.close();
  }
}

export interface PruneRequest {
  entry: RegistryEntry;
  repository: string;
  policy: PrunePolicy;
  untagged: boolean;
}

/**
 * The whole wizard: the registry and repository come from `node` when it has them, else they are its first steps.
 * Undefined when the user cancelled (or no registry is configured, which it says).
 */
export async function askPrune(explorer: Explorer, node: ExplorerNode | undefined, settings: ExplorerSettings = currentSettings()): Promise<PruneRequest | undefined> {
  const registries = settings.registries;
  const state: PruneAnswers = {};
  if (node) state.entry = registries.find((r) => r.key === node.registry);
  else if (registries.length === 1) state.entry = registries[0];
  if (!state.entry && (node || registries.length === 0)) {
    if (registries.length === 0) notify('info', t('No registry is configured yet. Add one with "Add Registry…".'));
    return undefined;
  }
  if (node?.kind === 'repository' || node?.kind === 'tag') state.repository = node.repository;
  const steps = pruneSteps(newReads(explorer, settings), { registries: state.entry ? undefined : registries, repository: state.repository !== undefined, policy: true });
  if (!(await run(steps, state))) return undefined;
  return { entry: state.entry!, repository: state.repository!, ...policyOf(state, settings) };
}

/** The repository step alone (for a caller that asks the policy separately): the node's, or one the user picks. */
export async function chooseRepository(explorer: Explorer, entry: RegistryEntry, node?: ExplorerNode): Promise<string | undefined> {
  if (node?.kind === 'repository' || node?.kind === 'tag') return node.repository;
  const state: PruneAnswers = { entry };
  const ok = await run(pruneSteps(newReads(explorer, currentSettings()), { repository: false, policy: false }), state);
  return ok ? state.repository : undefined;
}

/** The policy steps alone, for a registry and repository already chosen. Undefined when the user backed out. */
export async function askPolicy(explorer: Explorer, entry: RegistryEntry, repository: string, settings: ExplorerSettings): Promise<{ policy: PrunePolicy; untagged: boolean } | undefined> {
  const state: PruneAnswers = { entry, repository };
  const ok = await run(pruneSteps(newReads(explorer, settings), { repository: true, policy: true }), state);
  return ok ? policyOf(state, settings) : undefined;
}

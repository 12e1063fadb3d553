// Where regx keeps its undo journal ($XDG_STATE_HOME/regx/journal, else ~/.local/state/regx/journal), and how a
// deleting command begins its entry: only once there is something to delete and the user said yes.
import { userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { badInput, describeError, openJournal, RegistryError, type DeletionResult, type Journal, type JournalRecorder } from '../engine';
import { has } from './args';
import type { Context } from './context';

/** The account's home folder (from the password database), or undefined. */
function accountHome(): string | undefined {
  try {
    return userInfo().homedir || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The journal folder from the environment. XDG says a relative XDG_STATE_HOME is to be ignored; without HOME, the
 * home folder is the account's (as ~ is for a shell).
 */
export function journalDir(env: Record<string, string | undefined>): string {
  const state = env.XDG_STATE_HOME;
  if (state && isAbsolute(state)) return join(state, 'regx', 'journal');
  const home = env.HOME || accountHome();
  if (home) return join(home, '.local', 'state', 'regx', 'journal');
  throw badInput('regx keeps an undo journal of every deletion, and neither XDG_STATE_HOME nor HOME says where', 'Set XDG_STATE_HOME (or HOME) to a folder regx may write to.');
}

export function cliJournal(ctx: Context): Journal {
  return openJournal(journalDir(ctx.io.env));
}

/** The registry as the user named it, to reconnect with on restore (never a login: the address holds none). */
export function registryAddress(ref: { host: string; scheme?: string }): string {
  return ref.scheme ? `${ref.scheme}://${ref.host}` : ref.host;
}

/** After a deletion that removed something: how to undo it (or that it cannot be, with --no-journal). */
export function undoHint(ctx: Context, journal: JournalRecorder | undefined, result: DeletionResult, where = ''): void {
  if (result.deleted.length <= result.alreadyGone.length) return;
  if (journal) ctx.io.stdout(`${where}Undo with: regx restore ${journal.id} (until the registry's garbage collection runs).\n`);
  else ctx.io.stdout(`${where}No undo: --no-journal was given.\n`);
}

/**
 * Begins the journal entry of a deletion; throws (nothing deleted yet) when the journal cannot be written.
 * Undefined with --no-journal: the deletion then cannot be undone by regx.
 */
export async function beginJournal(ctx: Context, ref: { host: string; scheme?: string; repository: string }, operation: string): Promise<JournalRecorder | undefined> {
  if (has(ctx.args, 'no-journal')) return undefined;
  try {
    return await cliJournal(ctx).begin({ registry: registryAddress(ref), repository: ref.repository, operation });
  } catch (e) {
    const { message, fix } = describeError(e);
    throw new RegistryError('BAD_INPUT', message, { cause: e, fix: `Nothing was deleted. ${fix ?? ''} regx keeps it in $XDG_STATE_HOME/regx/journal, else ~/.local/state/regx/journal; --no-journal deletes without it (no undo).`.replace(/ {2,}/g, ' ') });
  }
}

// regx journal: the operations the undo journal holds, newest first — never the manifests' bytes.
import { badInput, deletedIn, journalSummary, type JournalEntry } from '../../engine';
import { has } from '../args';
import { EXIT_OK, type Context } from '../context';
import { cliJournal } from '../journal';
import { printJson, table } from '../output';

/** `2025-01-14 15:30:12Z` */
export function when(at: string): string {
  return `${at.slice(0, 19).replace('T', ' ')}Z`;
}

function restoredWords(entry: JournalEntry): string {
  const { gone, back } = deletedIn(entry);
  if (back === 0) return 'no';
  return back === gone.length ? 'yes' : `${back} of ${gone.length}`;
}

export async function journal(ctx: Context): Promise<number> {
  if (ctx.args.positionals.length > 0) throw badInput(`unexpected argument "${ctx.args.positionals[0]}"`, 'regx journal takes no argument; run regx --help for the usage.');
  const store = cliJournal(ctx);
  const entries = await store.list();
  if (has(ctx.args, 'json')) {
    printJson(ctx.io, { directory: store.dir, entries: entries.map(journalSummary) });
    return EXIT_OK;
  }
  if (entries.length === 0) {
    ctx.io.stdout(`The undo journal is empty (${store.dir}).\n`);
    return EXIT_OK;
  }
  const rows = entries.map((e) => {
    const { gone } = deletedIn(e);
    return [e.id, when(e.at), `${e.registry}/${e.repository}`, e.operation, String(gone.length), String(gone.reduce((n, m) => n + m.tags.length, 0)), restoredWords(e)];
  });
  ctx.io.stdout(table([['ID', 'WHEN', 'REPOSITORY', 'OPERATION', 'IMAGES', 'TAGS', 'RESTORED'], ...rows]));
  ctx.io.stdout('Undo one with regx restore <ID> (or regx restore --last), until garbage collection removes its data.\n');
  return EXIT_OK;
}

// Plain text for people, JSON for programs; progress only when stderr is a terminal.
import { isSelfHostedDistribution, type RegistryClient } from '../engine';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  /** Asks a yes/no question on the terminal: true for yes, 'interrupted' for Ctrl-C. Only called when stdin is a TTY. */
  confirm(question: string): Promise<boolean | 'interrupted'>;
  /** Aborts when the user presses Ctrl-C. */
  interrupt: AbortSignal;
}

export function printJson(io: CliIO, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Left-aligned columns separated by two spaces. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + (rows.length ? '\n' : '');
}

export function progress(io: CliIO, label: string): (done: number, total: number) => void {
  if (!io.stderrIsTTY) return () => undefined;
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - last < 80) return;
    last = now;
    io.stderr(`\r${label} ${done}/${total}${done >= total ? '\n' : ''}`);
  };
}

export function listNames(tags: string[]): string {
  return tags.length ? tags.join(', ') : '(no tags)';
}

export const GC_HINT =
  'Space on a self-hosted registry returns only after garbage collection: stop it (or make it read-only) and run `registry garbage-collect <config.yml>`. ' +
  'On distribution 2.x do not add --delete-untagged: it also deletes the platform images of tagged multi-arch images (distribution issue 3178).';

/**
 * What to say after something was deleted: the service's own note where it keeps something (Docker Hub keeps the
 * image data), the garbage-collection hint on a self-hosted distribution registry, else nothing.
 */
export async function afterDeletion(client: RegistryClient): Promise<string | undefined> {
  const provider = await client.provider();
  if (provider.deletionNote) return provider.deletionNote;
  return provider.name === 'distribution' && isSelfHostedDistribution(client.host) ? GC_HINT : undefined;
}

// A small argv parser: positionals, `--flag`, `--flag value`, `--flag=value`, `-u value`, repeatable flags.
import { badInput } from '../engine';

export interface FlagSpec {
  /** Takes a value (otherwise a boolean switch). */
  value?: boolean;
  /** May be given several times (values collected in order). */
  repeat?: boolean;
  short?: string;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
}

export function parseArgs(argv: string[], specs: Record<string, FlagSpec>): ParsedArgs {
  const byShort = new Map(Object.entries(specs).filter(([, s]) => s.short).map(([name, s]) => [s.short!, name]));
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else if (/^-[a-zA-Z]$/.test(arg)) {
      name = byShort.get(arg.slice(1));
      if (!name) throw badInput(`unknown option ${arg}`, 'Run regx --help for the options.');
    } else {
      positionals.push(arg);
      continue;
    }
    const spec = specs[name];
    if (!spec) throw badInput(`unknown option --${name}`, 'Run regx --help for the options.');
    let value = 'true';
    if (spec.value) {
      if (inline !== undefined) value = inline;
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
      else throw badInput(`--${name} needs a value`);
    } else if (inline !== undefined) {
      throw badInput(`--${name} takes no value`);
    }
    const list = flags.get(name) ?? [];
    if (list.length && !spec.repeat) throw badInput(`--${name} is given more than once`);
    list.push(value);
    flags.set(name, list);
  }
  return { positionals, flags };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.[0];
}

export function has(args: ParsedArgs, name: string): boolean {
  return args.flags.has(name);
}

export function intFlag(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw badInput(`--${name} must be a whole number from ${min} to ${max} (got "${v}")`);
  return Number(v);
}

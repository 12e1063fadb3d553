// What every regx command shares: its arguments and IO, the login, the client, the references it names, asking
// before a destructive step, and how regx words what the user must supply.
import { chainCredentialSources, ciTokenCredentialSource, dockerConfigCredentialSource } from '../credentials';
import { badInput, checkProviderChoice, createRegistryClient, formatReference, parseReference, parseRegistry, type Credential, type CredentialSource, type Logger, type Need, type Reference, type RegistryClient } from '../registry';
import { flag, has, intFlag, type ParsedArgs } from './args';
import type { CliIO } from './output';

export interface Context {
  args: ParsedArgs;
  io: CliIO;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

async function credentialSource({ args, io }: Context): Promise<CredentialSource> {
  const username = flag(args, 'username') ?? io.env.REGX_USERNAME;
  let password: string | undefined;
  if (has(args, 'password-stdin')) {
    if (io.stdinIsTTY) throw badInput('--password-stdin needs the password piped in', 'Example: printf %s "$PASSWORD" | regx … -u USER --password-stdin');
    password = (await io.readStdin()).replace(/\r?\n$/, '');
    if (!password) throw badInput('--password-stdin read an empty password');
  } else {
    password = io.env.REGX_PASSWORD;
  }
  if (username && password === undefined) throw badInput(`a user name (${username}) was given without a password`, 'Pipe it with --password-stdin, or set REGX_PASSWORD.');
  if (!username && password !== undefined) throw badInput('a password was given without a user name', 'Add -u USER (or set REGX_USERNAME).');
  if (username && password !== undefined) {
    const cred: Credential = { username, password };
    return async () => cred;
  }
  return chainCredentialSources(dockerConfigCredentialSource({ env: io.env as NodeJS.ProcessEnv }), ciTokenCredentialSource(io.env));
}

function logger(ctx: Context): Logger {
  const write = (m: string): void => ctx.io.stderr(`${m}\n`);
  const warn = (m: string): void => ctx.io.stderr(`warning: ${m}\n`);
  if (!has(ctx.args, 'verbose')) return { trace: () => undefined, debug: () => undefined, warn };
  return { trace: write, debug: write, warn };
}

export async function connect(ctx: Context, ref: { host: string; scheme?: string }): Promise<RegistryClient> {
  return createRegistryClient({
    url: ref.scheme ? `${ref.scheme}://${ref.host}` : ref.host,
    credentials: await credentialSource(ctx),
    insecure: has(ctx.args, 'insecure'),
    caFile: flag(ctx.args, 'ca-file'),
    concurrency: concurrency(ctx),
    logger: logger(ctx),
    provider: checkProviderChoice(flag(ctx.args, 'provider') ?? 'auto'),
    apiUrl: flag(ctx.args, 'api-url'),
  });
}

/** Runs `fn` with a client for `ref`, closing it afterwards. */
export async function withClient<T>(ctx: Context, ref: { host: string; scheme?: string }, fn: (client: RegistryClient) => Promise<T>): Promise<T> {
  const client = await connect(ctx, ref);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

export function concurrency(ctx: Context): number | undefined {
  return intFlag(ctx.args, 'concurrency', 1, 64);
}

/** `--max-staleness SECONDS` in ms, or undefined for the engine's bound. */
export function maxStaleness(ctx: Context): number | undefined {
  const s = intFlag(ctx.args, 'max-staleness', 0, 3600);
  return s === undefined ? undefined : s * 1000;
}

function onePositional(ctx: Context, what: string): string {
  const [value, ...rest] = ctx.args.positionals;
  if (!value) throw badInput(`missing ${what}`, 'Run regx --help for the usage.');
  if (rest.length) throw badInput(`unexpected argument "${rest[0]}"`, 'Run regx --help for the usage.');
  return value;
}

export function registryArg(ctx: Context): { host: string; scheme?: 'http' | 'https' } {
  return parseRegistry(onePositional(ctx, '<registry>'));
}

export function repositoryArg(ctx: Context): Reference {
  const ref = parseReference(onePositional(ctx, '<registry>/<repository>'));
  if (ref.tag || ref.digest) throw badInput(`give a repository without a tag or digest (got ${formatReference(ref)})`);
  return ref;
}

export function imageArg(ctx: Context): Reference & { target: string } {
  const ref = parseReference(onePositional(ctx, '<registry>/<repository>:<tag> or @<digest>'));
  const target = ref.digest ?? ref.tag;
  if (!target) throw badInput(`name a tag or a digest (got ${formatReference(ref)})`, 'Example: localhost:5000/app:1.0.0 or localhost:5000/app@sha256:…');
  return { ...ref, target };
}

/**
 * Asks before a destructive step. `yes`: --yes was given (pre-approved); `confirmed`: the person said yes at the
 * prompt; `declined`; `interrupted` (Ctrl-C at the prompt); `refused`: no terminal to ask on.
 */
export async function confirmOrRefuse(ctx: Context, question: string): Promise<'yes' | 'confirmed' | 'declined' | 'interrupted' | 'refused'> {
  if (has(ctx.args, 'yes')) return 'yes';
  if (!ctx.io.stdinIsTTY) {
    ctx.io.stderr('regx: refusing to delete without --yes: standard input is not a terminal to confirm on. Nothing was changed.\n');
    return 'refused';
  }
  const answer = await ctx.io.confirm(`${question} [y/N] `);
  if (answer === 'interrupted') return 'interrupted';
  return answer ? 'confirmed' : 'declined';
}

/** The exit code and words for an answer that is not a go-ahead; undefined for a go-ahead. */
export function notConfirmed(ctx: Context, answer: Awaited<ReturnType<typeof confirmOrRefuse>>, nothing = 'Nothing was changed.'): number | undefined {
  if (answer === 'yes' || answer === 'confirmed') return undefined;
  if (answer === 'refused') return EXIT_USAGE;
  if (answer === 'interrupted') {
    ctx.io.stderr(`regx: interrupted. ${nothing}\n`);
    return EXIT_FAILED;
  }
  ctx.io.stdout(`${nothing}\n`);
  return EXIT_OK;
}

/** How regx users give what an error says is needed. */
export function howToSupply(need: Need | undefined): string | undefined {
  switch (need) {
    case 'login':
    case 'credentials':
      return 'Log in with -u USER --password-stdin (or REGX_USERNAME and REGX_PASSWORD), or run docker login for that registry.';
    case 'permission':
      return 'Log in as a user with that permission (-u USER --password-stdin, or docker login).';
    default:
      return undefined;
  }
}

// regx: the command-line face of Registry Explorer. Same engine as the extension, for CI pipelines.
import { createInterface } from 'node:readline';
import { describeError, isRegistryError } from '../engine';
import { parseArgs, type FlagSpec } from './args';
import * as commands from './commands';
import { EXIT_FAILED, EXIT_USAGE, howToSupply } from './context';
import type { CliIO } from './output';

export const USAGE = `regx — browse container registries and delete or prune images safely

Usage:
  regx repos <registry> [--json]
  regx tags <registry>/<repo> [--digests] [--created] [--json]
  regx digest <registry>/<repo>:<tag>
  regx inspect <ref> [--json]
  regx manifests <registry>/<repo> [--untagged] [--json]
  regx delete <registry>/<repo>:<tag>|@<digest> [--dry-run] [--yes] [--force] [--keep-referrers] [--protect-from <dir>]... [--json]
  regx delete <registry>/<repo> --all [--dry-run] [--yes] [--json]
  regx untag <registry>/<repo>:<tag> [--yes] [--fallback]
  regx prune <registry>/<repo> --semver <range> [--untagged] [--versioning semver|docker|loose] [--variant <regex>]
             [--keep N] [--keep-per major|minor] [--prerelease] [--protect <regex>]... [--older-than <30d|12h>]
             [--keep-referrers] [--protect-from <dir>]... [--concurrency N] [--max-staleness S] [--dry-run] [--yes] [--json]
  regx apply [--policy <file>] [--protect-from <dir>]... [--concurrency N] [--max-staleness S] [--dry-run] [--yes] [--json]
  regx journal [--json]
  regx restore <id>|--last [--dry-run] [--yes] [--force] [--json]
delete, prune and apply also take --no-journal (delete without the undo journal).

<registry> is host[:port] or a URL (http://localhost:5000). Plain http is used when the URL says so,
or for a loopback registry that does not speak https.

Common options:
  -u, --username USER   log in as USER; the password comes from --password-stdin or REGX_PASSWORD
  --password-stdin      read the password from standard input
  --insecure            do not verify the registry's TLS certificate
  --ca-file FILE        trust this extra CA certificate (PEM)
  --concurrency N       requests in flight at once (default 8)
  --verbose             log every request line to stderr (credentials never shown)
  --provider P          auto (default), distribution, acr, harbor, dockerhub, ghcr or gitlab: the hosted API beside V2
  --api-url URL         where that API is, when not the default (GitHub Enterprise, a self-managed GitLab, a proxy)
Without -u, credentials come from REGX_USERNAME/REGX_PASSWORD, then the docker config
($DOCKER_CONFIG/config.json or ~/.docker/config.json, with its credential helpers), then GITHUB_TOKEN/GH_TOKEN
(ghcr.io) or CI_JOB_TOKEN (GitLab CI's own registry), else anonymous.

manifests lists every manifest, untagged ones included, where the provider can (ACR, Harbor); --untagged only
those nothing tagged needs. prune --untagged deletes those (with or without --semver).
prune --range is --semver by another name. --versioning decides which tags are versions: semver (1.2.3,
v1.2.3-rc.1; the default), loose (2, 2.0, 1.2.3.4) or docker (loose, and the text after the first hyphen is a
variant: 3.11-slim, 3.11.6-alpine3.18; --keep counts per variant and precision; --variant '^slim$' picks variants).

tags --created adds each image's created date (read from its config; an index has none).
inspect shows an image's size (every layer, config and manifest once) and how much of it nothing else in the
repository uses: what deleting that digest alone frees.

delete and prune ask before deleting; without a terminal they need --yes, and --dry-run changes nothing.
A dry run, and the question at a terminal, say how much space the deletion frees after garbage collection,
counted from every manifest of the repository (layers shared with other repositories are counted too).
Before each delete the tags are read again when the last read is older than --max-staleness SECONDS
(default 10), and always after you confirmed at the prompt. delete refuses to delete a platform image
of a multi-arch image that stays unless --force is given. delete --all deletes every tagged image of the
repository (each listed with its tags first; locked ones are skipped).
An image's signatures, SBOMs and attestations (found by the referrers API, the referrers tag schema and cosign's
sha256-<hex>.sig/.att/.sbom tags) are listed with it and deleted after it, unless --keep-referrers; one that
something kept still uses stays. prune deletes a referrer tag with its image and keeps it with a kept image
(--keep-referrers keeps every one).
--protect-from DIR (repeatable) reads what the folder deploys (Dockerfile FROM, compose and Kubernetes image:,
Helm values image.repository + image.tag, GitHub Actions container:, GitLab CI image:): prune keeps those tags and
digests ("used in deploy/api.yaml:12"), and delete refuses to delete them. References with a variable in them
(\${TAG}, $VAR, {{ … }}) cannot be resolved and are listed on stderr; node_modules, .git and files over 1 MB are skipped.
apply reads a retention policy (default ./registry-retention.yaml; its JSON Schema ships with the extension):
rules, each with a registry, repository globs (* within a path segment, ** across) and the prune settings (semver,
versioning, variant, keep, keepPer, prerelease, protect, olderThan, untagged: delete|keep, referrers: follow|keep).
A repository takes the first rule that matches it. Every repository is planned (--concurrency N at once) and summed
up, you are asked once, and each is deleted through the same re-checking executor as prune. What the policy file's
folder deploys is kept (or the --protect-from folders'). A repository that fails does not stop the others; the exit
code is 1 when any failed or could not be read.
Undo journal: before each DELETE, delete, prune and apply record the manifest's exact bytes and the tags on it in
$XDG_STATE_HOME/regx/journal (else ~/.local/state/regx/journal; the last 50 operations, 30 days; never a login);
when that cannot be written, nothing is deleted (--no-journal deletes without it: no undo). regx journal lists the
operations (apply: one per repository). regx restore <id> (or --last) pushes the manifests back by digest, then their tags, and reads them back. The image data stays in the registry
only until garbage collection: restore first checks every blob, and refuses an image whose blobs are gone, naming
them. A tag pushed to another image meanwhile is skipped and reported, unless --force moves it back. restore exits
1 when anything was refused, skipped or failed (--dry-run too, for what it would refuse or skip).
Exit codes: 0 done, 1 an operation failed (or a tag was lost while deleting), 2 bad usage or bad input.
`;

const COMMON: Record<string, FlagSpec> = {
  username: { value: true, short: 'u' },
  'password-stdin': {},
  insecure: {},
  'ca-file': { value: true },
  concurrency: { value: true },
  verbose: {},
  provider: { value: true },
  'api-url': { value: true },
  help: { short: 'h' },
};

const COMMANDS: Record<string, { run: (ctx: commands.Context) => Promise<number>; flags: Record<string, FlagSpec> }> = {
  repos: { run: commands.repos, flags: { json: {} } },
  tags: { run: commands.tags, flags: { json: {}, digests: {}, created: {} } },
  digest: { run: commands.digest, flags: {} },
  inspect: { run: commands.inspect, flags: { json: {} } },
  manifests: { run: commands.manifests, flags: { json: {}, untagged: {} } },
  delete: { run: commands.deleteImage, flags: { json: {}, 'dry-run': {}, yes: { short: 'y' }, force: {}, all: {}, 'keep-referrers': {}, 'no-journal': {}, 'max-staleness': { value: true }, 'protect-from': { value: true, repeat: true } } },
  untag: { run: commands.untag, flags: { yes: { short: 'y' }, fallback: {} } },
  journal: { run: commands.journal, flags: { json: {} } },
  restore: { run: commands.restore, flags: { last: {}, 'dry-run': {}, yes: { short: 'y' }, force: {}, json: {} } },
  apply: {
    run: commands.apply,
    flags: { policy: { value: true }, 'dry-run': {}, yes: { short: 'y' }, json: {}, 'no-journal': {}, 'max-staleness': { value: true }, 'protect-from': { value: true, repeat: true } },
  },
  prune: {
    run: commands.prune,
    flags: {
      semver: { value: true },
      range: { value: true },
      versioning: { value: true },
      variant: { value: true },
      keep: { value: true },
      'keep-per': { value: true },
      prerelease: {},
      protect: { value: true, repeat: true },
      'older-than': { value: true },
      'dry-run': {},
      yes: { short: 'y' },
      json: {},
      'max-staleness': { value: true },
      untagged: {},
      'keep-referrers': {},
      'no-journal': {},
      'protect-from': { value: true, repeat: true },
    },
  },
};

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`regx: unknown command "${name}"\nRun regx --help for the commands.\n`);
    return 2;
  }
  try {
    const args = parseArgs(rest, { ...COMMON, ...command.flags });
    if (args.flags.has('help')) {
      io.stdout(USAGE);
      return 0;
    }
    return await command.run({ args, io });
  } catch (e) {
    const { message, fix } = describeError(e);
    const how = howToSupply(isRegistryError(e) ? e.need : undefined);
    const second = [fix, how].filter(Boolean).join(' ');
    io.stderr(`regx: ${message}\n${second ? `${second}\n` : ''}`);
    if (isRegistryError(e, 'BAD_INPUT') || isRegistryError(e, 'NOT_SUPPORTED')) return EXIT_USAGE;
    return EXIT_FAILED;
  }
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

function processIO(): CliIO {
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('\nregx: stopping after the requests in flight (Ctrl-C again to quit now)\n');
    controller.abort();
  });
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    confirm: (question) =>
      new Promise((resolve) => {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        let answered = false;
        // Ctrl-C (or Ctrl-D) at the prompt is not a "no": the command stops and says nothing was changed.
        rl.on('SIGINT', () => rl.close());
        rl.on('close', () => {
          if (!answered) {
            process.stderr.write('\n');
            resolve('interrupted');
          }
        });
        rl.question(question, (answer) => {
          answered = true;
          rl.close();
          resolve(/^y(es)?$/i.test(answer.trim()));
        });
      }),
    interrupt: controller.signal,
  };
}

if (require.main === module) {
  runCli(process.argv.slice(2), processIO()).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`regx: ${describeError(e).message}\n`);
      process.exitCode = 1;
    },
  );
}

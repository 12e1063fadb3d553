// src/cli: regx, the command-line face (bundled to dist/cli.js from main.ts, which parses the arguments and runs one
// verb). commands/ has one verb per file; context.ts what they share (login, client, asking before deleting);
// output.ts, report.ts, freed.ts, referrers.ts, prune-report.ts how results are worded and put in JSON; journal.ts
// where the undo journal is kept. It only asks and renders: every rule is the engine's (../engine.ts).
export { runCli, USAGE } from './main';

// src/extension: the VS Code face (bundled to dist/extension.js from extension.ts, which wires the commands, the view
// and the policy editor; no network I/O at activation). commands/ asks the user and calls the engine, one flow per
// file; tree/ is the Registries view; preview/ the Cleanup Preview panel; policy/ the retention policy file (CodeLens,
// diagnostics, Preview and Apply); model/ the plain data behind them; ui.ts every question asked (so tests can answer);
// login-trust.ts the routes for a login the user allowed a workspace's registry entry.
// Every safety rule is the engine's (../engine.ts): this face only asks and renders.
export { activate, deactivate, type ExplorerApi } from './extension';

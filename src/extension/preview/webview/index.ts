// src/extension/preview/webview: the Cleanup Preview's page script, bundled on its own to dist/preview.js (entry:
// main.ts, which handles the extension's messages). page.ts draws the header, totals, buttons, progress and result;
// table.ts the rows (only those in view are in the DOM); state.ts holds what the extension last sent. The messages
// both sides speak are ../protocol.ts. Nothing here imports vscode or the engine.
export {};

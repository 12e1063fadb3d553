// Registry Explorer's source. engine.ts is the engine's front door — the protocol (registry/), pure planning (prune/),
// logins (credentials/), the operations both faces call (ops/), what a workspace deploys (protect/), the retention
// policy file (policy/) and the undo journal (journal/) — none of which imports vscode. The two faces only ask and
// render: extension/ (VS Code) and cli/ (regx).
export * from './engine';

// src/extension/policy: the editor side of a retention policy file (registry-retention.yaml; the file and its rules
// are the engine's: src/policy). It offers PolicyEditor: the CodeLenses "Preview" and "Apply" on the file's `rules:`
// line (lens.ts), the diagnostics from the engine's parsePolicy as you type (diagnostics.ts), and the commands
// registryExplorer.previewPolicy / applyPolicy (editor.ts): plan every repository the policy names (plan.ts), then the
// Cleanup Preview grouped by repository (cleanup.ts, through src/extension/preview). files.ts says which files are
// policies, which one a command means, and holds the template a new one starts from.
export { PolicyEditor, type PolicyOutcome } from './editor';
export { isPolicyFile, policyTemplate, rulesLine } from './files';
export { DIAGNOSTIC_SOURCE, problemText } from './diagnostics';

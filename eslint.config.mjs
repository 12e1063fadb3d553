import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.tools/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine is shared by the CLI and the extension: it must never depend on VS Code. Neither do the
    // extension's plain-data parts (the tree's loaded state, the model), which are tested in plain node.
    files: ['src/engine.ts', 'src/registry/**', 'src/prune/**', 'src/credentials/**', 'src/ops/**', 'src/policy/**', 'src/protect/**', 'src/journal/**', 'src/cli/**', 'src/extension/model/**', 'src/extension/tree/state.ts', 'src/extension/preview/model.ts', 'src/extension/preview/facts.ts', 'src/extension/preview/protocol.ts', 'src/extension/preview/webview/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The engine must not import vscode; only src/extension may.' }] }],
    },
  },
);

// Lint: typescript-eslint recommended, and the rule that keeps the pure core (dts, sim, rules)
// free of editor and LSP imports so it runs in the CLI, the tests and the browser alike.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['server/src/dts/**', 'server/src/sim/**', 'server/src/rules/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['vscode', 'vscode-*', 'vscode-languageserver*', 'vscode-languageclient*', 'vscode-jsonrpc*'], message: 'dts/, sim/ and rules/ stay free of editor/LSP imports.' }],
      }],
    },
  },
);

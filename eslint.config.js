// ESLint (flat config, typescript-eslint with type information): `npm run lint`, run by `npm test`.
// Two kinds of rule only, both about bugs rather than taste: promises nobody awaits, and the
// determinism of workflow code (Temporal replays it, so it may not reach for I/O, clocks or randomness
// outside @temporalio/workflow).
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', 'designer/dist/', 'fair-app/dist/', '.tools/', 'test/artifacts/', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its error (an unhandled rejection kills the process) and its order.
      // `void promise` says on purpose.
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    // Workflow code is bundled for Temporal's sandbox and replayed: no Node built-ins, no packages but
    // the workflow SDK's. Types of anything may be imported (they vanish at build time), e.g. of activities.
    files: ['engine/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.{1,2}/|@temporalio/(workflow|common)$)',
              allowTypeImports: true,
              message: 'workflow code imports only @temporalio/workflow, @temporalio/common and this repository’s workflow-safe modules (type imports excepted): it is replayed deterministically',
            },
          ],
        },
      ],
    },
  },
)

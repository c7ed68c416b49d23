// Lint for the whole repository. Besides the recommended rules, it encodes the plugin's layer order (the
// README's "Repository layout" draws it): a file may import only from layers below its own, so the folder tree
// stays a picture of the pipeline. scripts/layers.spec.js proves the rule bites.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const { createNodeResolver, importX } = require('eslint-plugin-import-x');
const globals = require('globals');
const { layerZones } = require('./scripts/layers.cjs');

module.exports = tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'tmp/**', 'examples/**', 'bench/results/**', '**/__fixtures__/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` marks a parameter or binding kept for its position (a callback's signature, a tuple's slot).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: {
      // Plain Node scripts and Jest configs are CommonJS.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['packages/nx-crossbake/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.d.ts', '.js', '.json'] })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: __dirname, zones: layerZones('packages/nx-crossbake/src') }],
    },
  },
  {
    // Only the process runner starts processes; everything else builds argv and parses (specs may spawn).
    files: ['packages/nx-crossbake/src/**/*.ts'],
    ignores: ['packages/nx-crossbake/src/lib/process/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['node:child_process', 'child_process', 'execa'].map((name) => ({
            name,
            message: 'start processes through lib/process/exec.ts (the one runner), with argv from lib/docker or lib/git',
          })),
        },
      ],
    },
  },
);

// ESLint flat config: typescript-eslint's recommended rules for host, webview, scripts and tests, and the
// import rules of the three roots (src/extension, src/shared, src/webview) as you type. The complete rules,
// resolved to files, are .dependency-cruiser.cjs's; this part catches `vscode` and Node in the editor.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Imports that exist only in the extension host: vscode and every Node built-in, bare or `node:`. */
const hostOnlyImports = (where, ...morePatterns) => [
  'error',
  {
    paths: [
      {
        name: 'vscode',
        message: `${where} cannot use vscode: only src/extension/ runs in the extension host.`,
      },
    ],
    patterns: [
      {
        group: ['node:*', ...builtinModules.filter((m) => !m.startsWith('_'))],
        message: `${where} cannot use Node modules: only src/extension/ runs in Node.`,
      },
      ...morePatterns,
    ],
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      'dist-vsix/',
      '.cache/',
      'test-results/',
      'test/fixtures/boundaries/',
      'src/extension/scaffold/templates/',
      'src/webview/engine/assembly/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': hostOnlyImports('Webview code (src/webview/)', {
        group: ['**/extension/**'],
        message: 'Webview code cannot import host code (src/extension/).',
      }),
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': hostOnlyImports('Shared code (src/shared/)', {
        group: ['**/extension/**', '**/webview/**'],
        message: 'Shared code imports only src/shared/: both sides load it.',
      }),
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', module: 'writable' },
    },
  },
);

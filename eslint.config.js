import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'test/instance/web/dist/**', '.instance-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    // The protocol core is pure: no browser APIs, no Node APIs, no other layers.
    files: ['src/protocol/**/*.ts'],
    ignores: ['src/protocol/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'webextension-polyfill', '../background/*', '../content/*', '../frames/*', '../popup/*', '../messaging/*'] }],
      'no-restricted-globals': ['error', 'chrome', 'browser', 'document', 'window', 'localStorage', 'fetch'],
    },
  },
  {
    // Only the background may hold keys or talk to libsodium.
    files: ['src/content/**/*.ts', 'src/frames/**/*.ts', 'src/frames/**/*.tsx', 'src/popup/**/*.ts', 'src/popup/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['libsodium-wrappers-sumo', '**/background/**', 'node:*'] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
);

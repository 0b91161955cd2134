import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TS = ['**/*.ts', '**/*.tsx'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'test/instance/web/dist/**', '.instance-data/**'] },
  js.configs.recommended,
  // Type-aware rules for TypeScript; plain JS build scripts get the recommended JS rules only.
  ...tseslint.configs.strictTypeChecked.map((c) => ({ ...c, files: TS })),
  {
    files: TS,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    // Tests read untyped JSON from servers and browsers on purpose; they assert values, so the
    // no-unsafe-* family adds noise there. Product code keeps the full rule set.
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
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
    languageOptions: {
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
);

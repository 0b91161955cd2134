import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TS = ['**/*.ts', '**/*.tsx'];

/**
 * Protocol modules that never load libsodium (checked by test/lint-layers.test.ts, which follows
 * their imports): the only part of the protocol core outside the background may use.
 */
export const SODIUM_FREE = ['text-encoding', 'mastodon-count', 'labels', 'errors', 'base32'];
const SODIUM_FREE_PROTOCOL = ['**/protocol/*', ...SODIUM_FREE.map((m) => `!**/protocol/${m}`)];

/** DOM calls that take a selector, and the one form of argument the content script may give them. */
const SELECTOR_CALLS = '/^(querySelector|querySelectorAll|closest|matches)$/';
const SELECTOR_ARG = [
  "[arguments.0.type='MemberExpression'][arguments.0.computed=false]",
  // selectors.x, hushSelectors.x, or generations[generation].x (the per-generation row)
  ":matches([arguments.0.object.name=/^(selectors|hushSelectors)$/], [arguments.0.object.object.name='generations'])",
].join('');

/** One layer's import rule: never libsodium, Node or the folders listed. */
function layer(files, folders, protocol) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'libsodium-wrappers-sumo', message: 'Only the background may hold keys or talk to libsodium.' },
          ],
          patterns: [
            { group: ['node:*'], message: 'Extension code runs in browsers, not Node.' },
            { group: folders, message: 'This layer may not import that one (docs/ARCHITECTURE.md, "The parts").' },
            {
              group: protocol,
              message: `Outside the background, only the sodium-free protocol modules (${SODIUM_FREE.join(', ')}).`,
            },
          ],
        },
      ],
    },
  };
}

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
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'node:*',
            'webextension-polyfill',
            '../background/*',
            '../content/*',
            '../frames/*',
            '../popup/*',
            '../messaging/*',
          ],
        },
      ],
      'no-restricted-globals': ['error', 'chrome', 'browser', 'document', 'window', 'localStorage', 'fetch'],
    },
  },
  // Layers (docs/ARCHITECTURE.md): who may import whom. Each folder gets ONE no-restricted-imports
  // entry (a later entry would replace an earlier one for the same files). test/lint-layers.test.ts
  // tries every forbidden import below and checks it is rejected.
  {
    // Selectors in one place (docs/ARCHITECTURE.md, Overlay): in the content script a DOM query
    // takes a member of `selectors` or `generations[g]` (content/mastodon/selectors.ts, Mastodon's markup) or of
    // `hushSelectors` (content/hush-nodes.ts, Hush's own nodes), never a string written in place.
    // test/lint-layers.test.ts tries the forms this rejects.
    files: ['src/content/**/*.ts'],
    ignores: ['src/content/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `CallExpression[callee.property.name=${SELECTOR_CALLS}]:not(${SELECTOR_ARG})`,
          message:
            'DOM selectors live in content/mastodon/selectors.ts (Mastodon) or content/hush-nodes.ts (Hush): pass `selectors.x` or `hushSelectors.x`.',
        },
      ],
    },
  },
  layer(['src/content/**/*.ts'], ['**/background/**', '**/popup/**', '**/frames/**'], SODIUM_FREE_PROTOCOL),
  layer(
    ['src/frames/**/*.ts', 'src/frames/**/*.tsx'],
    ['**/background/**', '**/content/**', '**/popup/**'],
    SODIUM_FREE_PROTOCOL,
  ),
  layer(
    ['src/popup/**/*.ts', 'src/popup/**/*.tsx'],
    ['**/background/**', '**/content/**', '**/frames/**'],
    SODIUM_FREE_PROTOCOL,
  ),
  layer(
    ['src/messaging/**/*.ts'],
    ['**/background/**', '**/content/**', '**/frames/**', '**/popup/**'],
    SODIUM_FREE_PROTOCOL,
  ),
  layer(['src/inbox/**/*.ts', 'src/inbox/**/*.tsx'], ['**/background/**', '**/content/**'], SODIUM_FREE_PROTOCOL),
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
);

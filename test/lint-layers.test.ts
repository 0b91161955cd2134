/**
 * The layer rules of eslint.config.js, tried: every forbidden import is linted as the text of a
 * file in the folder that must not make it (ESLint's Node API, in memory, nothing written) and must
 * be rejected by no-restricted-imports; the imports each layer relies on must pass. The
 * sodium-free protocol modules the rules allow outside the background are checked to really never
 * reach libsodium, following their imports.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { SODIUM_FREE } from '../eslint.config.js';

const root = resolve(import.meta.dirname, '..');
let eslint: ESLint;

beforeAll(() => {
  // Only the rule under test, without type information: the type-aware rules and the project
  // service need files on disk, which these probes are not.
  eslint = new ESLint({
    cwd: root,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  });
});

/** The no-restricted-imports messages for `source` linted as if it were the file at `path`. */
async function restricted(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(root, path) });
  const fatal = result?.messages.find((m) => m.fatal === true);
  if (fatal !== undefined) throw new Error(fatal.message);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const probe = (specifier: string): string => `import * as probe from '${specifier}';\nexport const used = probe;\n`;

// [file the import is written in, what it imports, why it is forbidden]
const FORBIDDEN: readonly (readonly [string, string, string])[] = [
  ['src/content/features/probe.ts', '../../popup/i18n', 'content -> popup'],
  ['src/content/probe.ts', '../protocol/index', 'content -> protocol/index (pulls in libsodium)'],
  ['src/content/probe.ts', '../protocol/encrypt', 'content -> a protocol module that loads libsodium'],
  ['src/content/probe.ts', '../background/router', 'content -> background'],
  ['src/content/probe.ts', '../frames/common', 'content -> frames'],
  ['src/content/probe.ts', 'libsodium-wrappers-sumo', 'content -> libsodium'],
  ['src/content/probe.ts', 'node:fs', 'content -> Node'],
  ['src/frames/editor/probe.ts', '../../content/dom', 'frames -> content'],
  ['src/frames/view/probe.ts', '../../popup/i18n', 'frames -> popup'],
  ['src/frames/probe.ts', '../protocol/index', 'frames -> protocol/index'],
  ['src/frames/probe.ts', '../background/services', 'frames -> background'],
  ['src/popup/views/probe.tsx', '../../background/keys/vault', 'popup -> background'],
  ['src/popup/probe.ts', '../content/overlay', 'popup -> content'],
  ['src/popup/probe.ts', '../protocol/safety-number', 'popup -> a protocol module that loads libsodium'],
  ['src/messaging/probe.ts', '../background/router', 'messaging -> background'],
  ['src/messaging/probe.ts', '../content/dom', 'messaging -> content'],
  ['src/messaging/probe.ts', '../protocol/index', 'messaging -> protocol/index'],
  ['src/protocol/probe.ts', '../background/router', 'protocol -> background'],
  ['src/protocol/probe.ts', 'webextension-polyfill', 'protocol -> browser APIs'],
];

const ALLOWED: readonly (readonly [string, string])[] = [
  ['src/content/probe.ts', '../protocol/text-encoding'],
  ['src/content/probe.ts', '../messaging/client'],
  ['src/frames/editor/probe.ts', '../../messaging/overlay-messages'],
  ['src/popup/probe.ts', '../messaging/keys-messages'],
  ['src/messaging/probe.ts', '../protocol/mastodon-count'],
  ['src/background/probe.ts', '../protocol/index'],
];

describe('layer boundaries (eslint.config.js)', () => {
  it.each(FORBIDDEN)('%s importing %s is rejected (%s)', async (path, specifier) => {
    expect(await restricted(path, probe(specifier))).toHaveLength(1);
  });

  it.each(ALLOWED)('%s importing %s is allowed', async (path, specifier) => {
    expect(await restricted(path, probe(specifier))).toEqual([]);
  });

  it('the protocol modules allowed outside the background never import libsodium, directly or through another module', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)) {
        const spec = m[1] ?? '';
        expect(spec, `${file} imports ${spec}`).not.toMatch(/libsodium|\/sodium$|^\.\/sodium$/);
        if (spec.startsWith('.')) visit(`${resolve(dirname(file), spec)}.ts`);
      }
    };
    for (const name of SODIUM_FREE) visit(join(root, 'src/protocol', `${name}.ts`));
    expect(seen.size).toBeGreaterThanOrEqual(SODIUM_FREE.length);
  });
});

describe('selectors in one place (eslint.config.js, no-restricted-syntax in src/content)', () => {
  let selectorLint: ESLint;
  beforeAll(() => {
    selectorLint = new ESLint({
      cwd: root,
      overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
      ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-syntax',
    });
  });

  const rejected = async (path: string, source: string): Promise<number> => {
    const [result] = await selectorLint.lintText(source, { filePath: join(root, path) });
    const fatal = result?.messages.find((m) => m.fatal === true);
    if (fatal !== undefined) throw new Error(fatal.message);
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').length;
  };
  const head =
    "import { generations, selectors } from '../mastodon/selectors';\nimport { hushSelectors } from '../hush-nodes';\ndeclare const el: Element;\ndeclare const g: '4.3' | '4.5';\n";

  it.each([
    ["el.querySelector('.status__content__text');", 'a string'],
    ["el.querySelectorAll('article[data-id]');", 'a string, querySelectorAll'],
    ["el.closest('form');", 'a string, closest'],
    ["el.matches('[aria-label]');", 'a string, matches'],
    ['el.closest(`.${selectors.status} button`);', 'a template built around a selector'],
    ["const s = '.status';\nel.querySelector(s);", 'a local variable'],
    ["const mine = { status: '.status' };\nel.querySelector(mine.status);", 'a look-alike object'],
    ["el.querySelector(selectors['status']);", 'a computed member'],
    ["el.querySelector(generations[g]['replyCancel']);", 'a computed member of a generation'],
  ])('src/content rejects %s (%s)', async (code) => {
    expect(await rejected('src/content/features/probe.ts', head + code)).toBe(1);
  });

  it('accepts the named selectors of both modules and of the generation table', async () => {
    const code =
      'el.querySelector(selectors.status);\nel.closest(selectors.actionBar);\nel.querySelectorAll(hushSelectors.viewHost);\nel.querySelector(generations[g].replyCancel);\n';
    expect(await rejected('src/content/features/probe.ts', head + code)).toBe(0);
  });

  it('leaves the extension pages, which query their own DOM, and tests alone', async () => {
    expect(await rejected('src/frames/view/probe.ts', "declare const el: Element;\nel.closest('a, button');")).toBe(0);
    expect(await rejected('src/content/probe.test.ts', "declare const el: Element;\nel.closest('a');")).toBe(0);
  });

  it('the content script itself passes it (every query names its selector)', async () => {
    const results = await selectorLint.lintFiles(['src/content/**/*.ts']);
    const hits = results.flatMap((r) =>
      r.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => `${r.filePath}:${m.line}`),
    );
    expect(hits).toEqual([]);
    expect(results.length).toBeGreaterThan(10);
  });
});

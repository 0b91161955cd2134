/**
 * Every locale carries every message the English one has, with the same placeholders, and every
 * key the popup/options, frames and content-script code asks for exists. A missing translation fails here, not in front of a user.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

const root = resolve('_locales');
const load = (locale: string): Messages =>
  JSON.parse(readFileSync(join(root, locale, 'messages.json'), 'utf8')) as Messages;
const locales = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const en = load('en');

/** Placeholder names a message uses ($NAME$), lower-cased as Chrome and Firefox match them. */
const usedPlaceholders = (message: string) =>
  [...message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => (m[1] ?? '').toLowerCase()).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sourceFiles(join(dir, d.name))
      : /\.tsx?$/.test(d.name) && !d.name.includes('.test.')
        ? [join(dir, d.name)]
        : [],
  );
}

describe('locales', () => {
  it('English plus at least two complete languages', () => {
    expect(locales).toContain('en');
    expect(locales.filter((l) => l !== 'en').length).toBeGreaterThanOrEqual(2);
  });

  it('English defines every placeholder it uses', () => {
    for (const [key, entry] of Object.entries(en)) {
      const defined = Object.keys(entry.placeholders ?? {})
        .map((n) => n.toLowerCase())
        .sort();
      expect(usedPlaceholders(entry.message), key).toEqual([...new Set(usedPlaceholders(entry.message))]);
      for (const name of usedPlaceholders(entry.message)) expect(defined, `${key} uses $${name}$`).toContain(name);
    }
  });

  describe.each(locales.filter((l) => l !== 'en'))('%s', (locale) => {
    const messages = load(locale);

    it('has every key the English locale has, none empty', () => {
      const missing = Object.keys(en).filter(
        (k) => !Object.hasOwn(messages, k) || (messages[k]?.message ?? '').trim() === '',
      );
      expect(missing).toEqual([]);
    });

    it('has no key the English locale lacks (stale translations)', () => {
      expect(Object.keys(messages).filter((k) => !Object.hasOwn(en, k))).toEqual([]);
    });

    it('uses the same placeholders as English in every message', () => {
      for (const [key, entry] of Object.entries(en)) {
        const translated = messages[key];
        if (!translated) continue;
        expect(usedPlaceholders(translated.message), `${locale}/${key}`).toEqual(usedPlaceholders(entry.message));
        expect(translated.placeholders ?? {}, `${locale}/${key}`).toEqual(entry.placeholders ?? {});
      }
    });
  });
});

describe('popup and options strings', () => {
  const files = [...sourceFiles(resolve('src/popup')), ...sourceFiles(resolve('src/inbox'))];
  const source = files.map((f) => readFileSync(f, 'utf8')).join('\n');

  it('every literal t("key") has an English message', () => {
    const keys = new Set([...source.matchAll(/\bt\('([A-Za-z0-9_]+)'/g)].map((m) => m[1] ?? ''));
    expect(keys.size).toBeGreaterThan(50);
    expect([...keys].filter((k) => !Object.hasOwn(en, k))).toEqual([]);
  });

  it('every key chosen at run time has an English message', () => {
    const quoted = new Set(
      [...source.matchAll(/'((?:state_|strength|pattern|err|trust|keySet|nav)[A-Za-z0-9_]*)'/g)].map((m) => m[1] ?? ''),
    );
    const reasonsBlock =
      /const REASONS = new Set\(\[([^\]]*)\]/.exec(readFileSync(resolve('src/popup/i18n.ts'), 'utf8'))?.[1] ?? '';
    const reasons = [...reasonsBlock.matchAll(/'([a-z_]+)'/g)].map((m) => `reason_${m[1] ?? ''}`);
    expect(reasons.length).toBeGreaterThan(10);
    const dynamic = [
      ...['not_enabled', 'enabled', 'locked', 'revoked'].map((s) => `state_${s}`),
      ...['revoked', 'no_key', 'disagreement'].map((s) => `contactState_${s}`),
      ...reasons,
      'reason_other',
    ];
    const candidates = [...quoted, ...dynamic].filter((k) => /^[a-z]+[A-Z_0-9]/.test(k) && !/^pattern-/.test(k));
    expect([...candidates].filter((k) => !Object.hasOwn(en, k))).toEqual([]);
  });
});

describe('inbox strings chosen at run time (src/inbox)', () => {
  const types = readFileSync(resolve('src/messaging/inbox-messages.ts'), 'utf8');
  const members = (re: RegExp): string[] =>
    [...(re.exec(types)?.[1] ?? '').matchAll(/'([a-z_]+)'/g)].map((m) => m[1] ?? '');

  it('every participant state, connection kind and connect outcome the inbox names has a message in every locale', () => {
    const states = members(/export type ParticipantState =\s*([^;]+);/);
    const connections = members(/readonly connection: ([^;]+);/);
    const connect = members(/'inbox\/connect': \{\s*readonly result:([^}]+)\}/).filter((r) => r !== 'connected');
    expect(states).toContain('unconfirmed');
    expect(connections).toEqual(['oauth', 'tab', 'none']);
    expect(connect.length).toBeGreaterThan(3);
    const keys = [
      ...states.map((x) => `inboxParticipant_${x}`),
      ...connections.filter((c) => c !== 'oauth').map((x) => `inboxConnection_${x}`),
      ...connect.map((x) => `inboxConnect_${x}`),
    ];
    for (const locale of locales)
      expect(
        keys.filter((k) => !Object.hasOwn(load(locale), k)),
        locale,
      ).toEqual([]);
  });
});

describe('content script and frame strings', () => {
  const files = [...sourceFiles(resolve('src/content')), ...sourceFiles(resolve('src/frames'))];
  const source = files.map((f) => readFileSync(f, 'utf8')).join('\n');

  it('every literal t("key") in src/content and src/frames has an English message', () => {
    const keys = new Set([...source.matchAll(/\bt\('([A-Za-z0-9_]+)'/g)].map((m) => m[1] ?? ''));
    expect(keys.size).toBeGreaterThan(40);
    expect([...keys].filter((k) => !Object.hasOwn(en, k))).toEqual([]);
  });

  it('every key chosen at run time has an English message (trust labels, frame titles, recipient states)', () => {
    // Values of key tables ('trustVerified', …) and frame titles passed to joinSession.
    const tabled = [...source.matchAll(/:\s*'((?:trust|frame|badge|flag|view|editor)[A-Z][A-Za-z0-9_]*)'/g)].map(
      (m) => m[1] ?? '',
    );
    const titles = [...source.matchAll(/joinSession(?:<[^>]*>)?\([^,]+,\s*'([A-Za-z0-9_]+)'/g)].map((m) => m[1] ?? '');
    const union =
      /export type RecipientState =\s*([^;]+);/.exec(
        readFileSync(resolve('src/messaging/overlay-messages.ts'), 'utf8'),
      )?.[1] ?? '';
    const states = [...union.matchAll(/'([a-z_]+)'/g)].map((m) => `recipient_${m[1] ?? ''}`);
    expect(tabled.length).toBeGreaterThan(5);
    expect(states.length).toBeGreaterThan(5);
    expect([...tabled, ...titles, ...states].filter((k) => !Object.hasOwn(en, k))).toEqual([]);
  });

  it('nothing outside src/messaging/i18n.ts calls browser.i18n.getMessage (one helper)', () => {
    const all = [...sourceFiles(resolve('src'))].filter((f) => !f.endsWith(join('messaging', 'i18n.ts')));
    expect(all.filter((f) => readFileSync(f, 'utf8').includes('i18n.getMessage'))).toEqual([]);
  });
});

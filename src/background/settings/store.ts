import * as v from 'valibot';
import type { SecurityPhrase, UiPrefs } from '../../messaging/settings-messages';
import {
  DEFAULT_PREFS,
  KeySettingsSchema,
  parseStored,
  SecurityPhraseSchema,
  SettingsRecordSchema,
  UiPrefsSchema,
} from '../storage/keys';
import { Mutex } from '../storage/kv';
import { DEFAULT_SETTINGS, SETTINGS_KEY, type Settings } from '../storage/schema';

/**
 * The one settings store: every setting lives in ONE record, `hush:settings` (version 2):
 * the key settings (rotation, grace, auto-lock; read by the key store through this module), the
 * anti-spoofing phrase and the UI preferences. Each part is re-validated on every read (storage
 * can hold data from an older version or be edited by hand): a bad part falls back to its
 * default, never reaches a renderer, and the other parts are kept.
 *
 * Migration from version 1 (before one store): `hush:settings` held the key settings alone and
 * `settings:security-phrase` / `settings:prefs` had keys of their own. The first read finds them,
 * writes the version 2 record in one `set`, then removes the old keys; until that write succeeds
 * the old keys stay and are read again, so nothing is lost to an interrupted migration.
 */
export const LEGACY_PHRASE_KEY = 'settings:security-phrase';
export const LEGACY_PREFS_KEY = 'settings:prefs';

/** The storage surface it needs (browser.storage.local, or a Map-backed area in tests). */
export interface SettingsArea {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

interface AllSettings {
  readonly keys: Settings;
  readonly phrase: SecurityPhrase | null;
  readonly prefs: UiPrefs;
}

/** One writer per area, whichever caller (key store, settings handlers) makes the change. */
const writers = new WeakMap<object, Mutex>();
const writerOf = (area: object): Mutex => {
  let m = writers.get(area);
  if (m === undefined) writers.set(area, (m = new Mutex()));
  return m;
};

const partialParse = <T extends object>(schema: { readonly entries: v.ObjectEntries }, value: unknown): Partial<T> => {
  if (typeof value !== 'object' || value === null) return {};
  // Each field on its own: one bad field does not cost the good ones.
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(schema.entries)) {
    const p = v.safeParse(s, (value as Record<string, unknown>)[k]);
    if (p.success && p.output !== undefined) out[k] = p.output;
  }
  return out as Partial<T>;
};

function fromParts(keys: unknown, phrase: unknown, prefs: unknown): AllSettings {
  return {
    keys: { ...DEFAULT_SETTINGS, ...partialParse<Settings>(KeySettingsSchema, keys) },
    phrase: parseStored(SecurityPhraseSchema, phrase),
    prefs: { ...DEFAULT_PREFS, ...partialParse<UiPrefs>(UiPrefsSchema, prefs) },
  };
}

async function read(area: SettingsArea): Promise<{ all: AllSettings; legacy: boolean }> {
  const got = await area.get([SETTINGS_KEY, LEGACY_PHRASE_KEY, LEGACY_PREFS_KEY]);
  const rec = parseStored(SettingsRecordSchema, got[SETTINGS_KEY]);
  if (rec !== null)
    return {
      all: fromParts(rec.keys, rec.phrase, rec.prefs),
      legacy: got[LEGACY_PHRASE_KEY] !== undefined || got[LEGACY_PREFS_KEY] !== undefined,
    };
  // Version 1 (or nothing yet).
  const legacy = [SETTINGS_KEY, LEGACY_PHRASE_KEY, LEGACY_PREFS_KEY].some((k) => got[k] !== undefined);
  return { all: fromParts(got[SETTINGS_KEY], got[LEGACY_PHRASE_KEY], got[LEGACY_PREFS_KEY]), legacy };
}

async function write(area: SettingsArea, all: AllSettings): Promise<void> {
  await area.set({ [SETTINGS_KEY]: { v: 2, keys: all.keys, phrase: all.phrase, prefs: all.prefs } });
  await area.remove([LEGACY_PHRASE_KEY, LEGACY_PREFS_KEY]);
}

export function createSettingsStore(area: SettingsArea) {
  const writer = writerOf(area);
  /** Reads everything, migrating version 1 once (under the writer, so no change is lost). */
  const load = (): Promise<AllSettings> =>
    writer.run(async () => {
      const { all, legacy } = await read(area);
      if (legacy) await write(area, all).catch(() => undefined); // read again next time
      return all;
    });
  const change = (fn: (all: AllSettings) => AllSettings): Promise<AllSettings> =>
    writer.run(async () => {
      const next = fn((await read(area)).all);
      await write(area, next);
      return next;
    });
  return {
    async getPhrase(): Promise<SecurityPhrase | null> {
      return (await load()).phrase;
    },
    async setPhrase(phrase: SecurityPhrase): Promise<SecurityPhrase> {
      await change((all) => ({ ...all, phrase }));
      return phrase;
    },
    async getPrefs(): Promise<UiPrefs> {
      return (await load()).prefs;
    },
    async setPrefs(delta: Partial<UiPrefs>): Promise<UiPrefs> {
      return (await change((all) => ({ ...all, prefs: { ...all.prefs, ...stripUndefined(delta) } }))).prefs;
    },
    async getKeySettings(): Promise<Settings> {
      return (await load()).keys;
    },
    async setKeySettings(keys: Settings): Promise<Settings> {
      return (await change((all) => ({ ...all, keys }))).keys;
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, val]) => val !== undefined)) as Partial<T>;
}

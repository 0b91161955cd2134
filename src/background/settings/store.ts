import * as v from 'valibot';
import { DEFAULT_PREFS, SecurityPhraseSchema, UiPrefsSchema, type SecurityPhrase, type UiPrefs } from '../../messaging/settings-messages';

/**
 * User settings in storage.local. Stored values are re-validated on every read: storage can hold
 * data from an older version or be edited by hand, and a bad value must fall back to a default,
 * never reach a renderer.
 */
const PHRASE_KEY = 'settings:security-phrase';
const PREFS_KEY = 'settings:prefs';

/** The minimal storage surface, so unit tests can pass an in-memory one. */
export interface KeyValueArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export function createSettingsStore(area: KeyValueArea) {
  return {
    async getPhrase(): Promise<SecurityPhrase | null> {
      const got = await area.get(PHRASE_KEY);
      const parsed = v.safeParse(SecurityPhraseSchema, got[PHRASE_KEY]);
      return parsed.success ? parsed.output : null;
    },
    async setPhrase(phrase: SecurityPhrase): Promise<SecurityPhrase> {
      await area.set({ [PHRASE_KEY]: phrase });
      return phrase;
    },
    async getPrefs(): Promise<UiPrefs> {
      const got = await area.get(PREFS_KEY);
      const parsed = v.safeParse(v.partial(UiPrefsSchema), got[PREFS_KEY]);
      return { ...DEFAULT_PREFS, ...(parsed.success ? stripUndefined(parsed.output) : {}) };
    },
    async setPrefs(change: Partial<UiPrefs>): Promise<UiPrefs> {
      const next = { ...(await this.getPrefs()), ...stripUndefined(change) };
      await area.set({ [PREFS_KEY]: next });
      return next;
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, val]) => val !== undefined)) as Partial<T>;
}

import browser from 'webextension-polyfill';
import type { HandlersFor } from '../router';
import type { settingsRequests } from '../../messaging/settings-messages';
import { recent } from '../diagnostics';
import { originsFromPatterns } from '../instances';
import { sodiumStatus } from '../sodium-status';
import { buildDiagnosticsReport } from './diagnostics-export';
import { createSettingsStore, type SettingsStore } from './store';

/** Handlers of settings-messages.ts, merged into the background's handler map. */
export function settingsHandlers(
  store: SettingsStore = createSettingsStore(browser.storage.local),
): HandlersFor<keyof typeof settingsRequests> {
  return {
    'settings/security-phrase/get': async () => ({ phrase: await store.getPhrase() }),
    'settings/security-phrase/set': async (phrase) => ({ phrase: await store.setPhrase(phrase) }),
    'settings/prefs/get': async () => ({ prefs: await store.getPrefs() }),
    'settings/prefs/set': async (change) => ({ prefs: await store.setPrefs(change) }),
    'settings/diagnostics/export': async () => {
      const [sodium, perms, phrase, prefs] = await Promise.all([
        sodiumStatus(),
        browser.permissions.getAll(),
        store.getPhrase(),
        store.getPrefs(),
      ]);
      const report = buildDiagnosticsReport({
        extensionVersion: browser.runtime.getManifest().version,
        userAgent: navigator.userAgent,
        sodium: { ready: sodium.ready, version: sodium.version },
        grantedInstances: originsFromPatterns(perms.origins ?? []).length,
        securityPhraseSet: phrase !== null,
        prefs,
        entries: recent(),
        now: Date.now(),
      });
      return { report };
    },
  };
}

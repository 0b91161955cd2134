import browser from 'webextension-polyfill';
import { OVERLAY_PUSH } from '../messaging/overlay-messages';
import { record } from './diagnostics';
import { tabsOn } from './tab-state';

/**
 * Hush runs only on instances the user granted (optional host permissions, requested from
 * the popup per instance). For each granted origin we register the content script at run
 * time. Registration is reconciled against the granted permissions at every background
 * start and on every permission change, so it survives restarts and updates even where a
 * browser does not persist registrations.
 */
const PREFIX = 'hush-instance:';

/** Origins like "https://mastodon.example" from permission patterns like "https://mastodon.example/*". */
export function originsFromPatterns(patterns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of patterns) {
    const m = /^(https?):\/\/([^/*]+)\/\*$/.exec(p);
    if (m) out.add(`${m[1] ?? ''}://${m[2] ?? ''}`);
  }
  return [...out].sort();
}

export function scriptIdFor(origin: string): string {
  return PREFIX + origin;
}

// Reconciles can be triggered concurrently (start-up and a permission event); run them one at a time
// so two of them never race to register the same script id.
let queue: Promise<unknown> = Promise.resolve();

/** Resolves to the origins registered by this call (none when all were already registered). */
export function reconcileContentScripts(): Promise<string[]> {
  const run = queue.then(reconcileNow, reconcileNow);
  queue = run.catch(() => undefined);
  return run;
}

async function reconcileNow(): Promise<string[]> {
  const granted = originsFromPatterns((await browser.permissions.getAll()).origins ?? []);
  const registered = await browser.scripting.getRegisteredContentScripts();
  const ours = registered.filter((s) => s.id.startsWith(PREFIX));
  const want = new Set(granted.map(scriptIdFor));
  const stale = ours.filter((s) => !want.has(s.id)).map((s) => s.id);
  if (stale.length > 0) await browser.scripting.unregisterContentScripts({ ids: stale });
  const have = new Set(ours.map((s) => s.id));
  const missing = granted.filter((o) => !have.has(scriptIdFor(o)));
  if (missing.length > 0) {
    try {
      await browser.scripting.registerContentScripts(
        missing.map((origin) => ({
          id: scriptIdFor(origin),
          matches: [`${origin}/*`],
          js: ['content.js'],
          css: ['content.css'],
          runAt: 'document_idle' as const,
          allFrames: false,
          persistAcrossSessions: true,
        })),
      );
    } catch (e) {
      record(
        'error',
        `could not register Hush on ${missing.join(', ')}: ${e instanceof Error ? e.message : String(e)}`,
      );
      return [];
    }
  }
  return missing;
}

/** Runs the content script now in already-open tabs of a newly granted origin (no reload needed). */
export async function injectIntoOpenTabs(origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const tabs = await browser.tabs.query({ url: origins.map((o) => `${o}/*`) });
  for (const tab of tabs) {
    if (tab.id === undefined) continue;
    try {
      await browser.scripting.insertCSS({ target: { tabId: tab.id }, files: ['content.css'] });
      await browser.scripting.executeScript({ target: { tabId: tab.id }, files: ['content.js'] });
    } catch (e) {
      record('warn', `could not start Hush in an open tab: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/**
 * Access to these origins was revoked: their registrations go (reconcile), and the content script
 * already running in their open tabs takes back everything it added (content/root.ts). No host
 * permission is needed to message a tab's content script; the tabs are the ones it reported from.
 */
export async function stopInOpenTabs(origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  for (const tabId of await tabsOn(origins))
    await browser.tabs
      .sendMessage(tabId, { type: OVERLAY_PUSH, kind: 'content-stop' }, { frameId: 0 })
      .catch(() => undefined);
}

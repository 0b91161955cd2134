/**
 * The content script's composition root: `startContent` creates every feature and returns the one
 * `stop` that takes back every listener, observer, timer and node they added (content/teardown.ts).
 * `runContent` is what content.js runs: a second injection into the same page (the script is
 * both registered and injected into an open tab, or injected again after an update) stops the
 * first one instead of running beside it, and nodes a previous script in another world left
 * behind (an updated extension's old script in Chromium, an unloaded one in Firefox) are swept.
 * The background stops it when the user revokes the instance (`content-stop` push).
 */
import * as v from 'valibot';
import browser, { type Runtime } from 'webextension-polyfill';
import { send } from '../messaging/client';
import { OVERLAY_PUSH, OverlayPushSchema } from '../messaging/overlay-messages';
import { installAccountSession } from './account-session';
import { hushClass, hushSelectors } from './hush-nodes';
import { detectMastodon, readMarkers } from './mastodon/detect';
import { startOverlay } from './overlay';
import { Teardown } from './teardown';

export interface ContentRoot {
  /** Takes back everything this run added; safe to call more than once. */
  readonly stop: () => void;
  /** Settles when start-up is over (the page was detected and reported, the overlay started). */
  readonly started: Promise<void>;
}

declare global {
  interface Window {
    /** The running content script of this world, so that a second injection can stop it. */
    __hushContent?: ContentRoot;
  }
}

/** Chromium leaves an updated or disabled extension's content script running without its runtime. */
function isOrphaned(): boolean {
  try {
    return browser.runtime.id === undefined;
  } catch {
    return true;
  }
}

export function startContent(): ContentRoot {
  const teardown = new Teardown();
  const start = async (): Promise<void> => {
    const detected = detectMastodon(readMarkers(document));
    if (!detected.ok) return; // not the Mastodon web UI: Hush stays out of the way
    installAccountSession(teardown);
    teardown.onMessage((message: unknown, sender: Runtime.MessageSender) => {
      // Only the background (no tab) of this extension pushes to us.
      if (sender.id !== browser.runtime.id || sender.tab !== undefined) return undefined;
      if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== OVERLAY_PUSH)
        return undefined;
      const parsed = v.safeParse(OverlayPushSchema, message);
      if (parsed.success && parsed.output.kind === 'content-stop') teardown.run();
      return undefined;
    });
    const reply = await send('page/detected', detected.page);
    if (teardown.stopped) return;
    if (!reply.ok) {
      console.warn(`[hush] the background refused this page: ${reply.error.message}`);
      return;
    }
    // Signed out: nothing to encrypt or decrypt for.
    if (detected.page.account !== null) startOverlay(detected.page, teardown, isOrphaned);
  };
  return {
    stop: () => {
      teardown.run();
    },
    started: start(),
  };
}

/** Nodes and classes a content script of another world left in the page (we have added none yet). */
export function sweepLeftovers(doc: Document): void {
  for (const node of doc.querySelectorAll(hushSelectors.added)) node.remove();
  for (const node of doc.querySelectorAll(hushSelectors.marked))
    node.classList.remove(hushClass.ciphertext, hushClass.locked);
}

/** The one entry point of content.js: stops this world's previous run, then starts anew. */
export function runContent(win: Window = window): ContentRoot {
  win.__hushContent?.stop();
  sweepLeftovers(win.document);
  const run = startContent();
  win.__hushContent = run;
  return run;
}

/**
 * Content-script bootstrap, injected only into instances the user granted. It reads the page
 * (never trusting it), reports what it found to the background, and later hosts the secure
 * frames. It never sees secret keys.
 */
import { send } from '../messaging/client';
import { installAccountSession } from './account-session';
import { detectMastodon, readMarkers } from './mastodon/detect';
import { startOverlay } from './overlay';

declare global {
  interface Window {
    __hushContentLoaded?: boolean;
  }
}

async function main(): Promise<void> {
  // Scripts may be both registered and injected into an already-open tab: run once.
  if (window.__hushContentLoaded) return;
  window.__hushContentLoaded = true;
  const detected = detectMastodon(readMarkers(document));
  if (!detected.ok) return; // not the Mastodon web UI: Hush stays out of the way
  installAccountSession();
  const reply = await send('page/detected', detected.page);
  if (!reply.ok) {
    console.warn(`[hush] the background refused this page: ${reply.error.message}`);
    return;
  }
  // Signed out: nothing to encrypt or decrypt for.
  if (detected.page.account !== null) startOverlay(detected.page);
}

void main();

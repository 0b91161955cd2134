/**
 * Content-script bootstrap, injected only into instances the user granted. It reads the page
 * (never trusting it), reports what it found to the background, and later hosts the secure
 * frames. It never sees secret keys. Everything is created in content/root.ts, which can take it
 * all back again.
 */
import { runContent } from './root';

runContent();

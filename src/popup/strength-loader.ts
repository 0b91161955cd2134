/**
 * Loads `strength.js` (zxcvbn and its dictionaries) into this extension page the first time a
 * passphrase is judged, with a plain <script> from the extension's own origin (CSP `script-src
 * 'self'`). Keeping it out of popup.js and background.js saves every popup open and every worker
 * start from parsing ~1.5 MB of dictionaries.
 */
import type { KeysStrength } from '../messaging/keys-messages';

export const STRENGTH_GLOBAL = '__hushPassphraseStrength';
type Estimator = (passphrase: string) => KeysStrength;

let loading: Promise<Estimator> | null = null;

export function loadStrength(): Promise<Estimator> {
  loading ??= new Promise<Estimator>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/strength.js';
    script.onload = () => {
      const f = (globalThis as unknown as Record<string, unknown>)[STRENGTH_GLOBAL];
      if (typeof f === 'function') resolve(f as Estimator);
      else reject(new Error('strength.js did not load'));
    };
    script.onerror = () => reject(new Error('strength.js did not load'));
    document.head.append(script);
  }).catch((e: unknown) => {
    loading = null;
    throw e;
  });
  return loading;
}

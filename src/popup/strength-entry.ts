// Entry of `strength.js` (build.mjs): hands the estimator to the extension page that loaded it.
import { passphraseStrength } from './strength';
import { STRENGTH_GLOBAL } from './strength-loader';

(globalThis as unknown as Record<string, unknown>)[STRENGTH_GLOBAL] = passphraseStrength;

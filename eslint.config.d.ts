// Types for what tests import from eslint.config.js (test/lint-layers.test.ts).
import type { Linter } from 'eslint';

/** Protocol modules that never load libsodium: the only ones allowed outside the background. */
export declare const SODIUM_FREE: readonly string[];
declare const config: Linter.Config[];
export default config;

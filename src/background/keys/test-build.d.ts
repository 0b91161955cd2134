/** Set by build.mjs (esbuild define): true only in `node build.mjs --test` builds. Undefined in Node tests. */
declare const __HUSH_TEST_BUILD__: boolean;

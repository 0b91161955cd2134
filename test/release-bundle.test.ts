// The release bundles as users get them: test-only code compiled out, and the background small
// enough to start fast (issue #17: under 400 KB gzipped; every Chromium worker wake parses it).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../build.mjs';

/** What only test builds may contain: the message recorder, the test key services, test-only storage keys. */
const TEST_ONLY = [
  '__hushMessageLog',
  '__hushTestKeyServices',
  '__hushTestInboxEntry',
  'hush-test:clock-offset',
  'hush-test:webfinger-origins',
  'hush-test:claim-faults',
];
export const BACKGROUND_GZIP_BUDGET = 400 * 1024;

let release = '';
let testBuild = '';
beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'hush-bundles-'));
  release = await build({ outdir: join(root, 'release') });
  testBuild = await build({ test: true, outdir: join(root, 'test'), minify: true, sourcemap: false });
}, 120_000);
afterAll(() => {
  for (const dir of [release, testBuild]) if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');

describe('release bundles', () => {
  it('the test build carries the test-only code (so the check below has something to miss)', () => {
    const bg = read(testBuild, 'background.js');
    for (const marker of TEST_ONLY) expect(bg, marker).toContain(marker);
  });

  it('release scripts contain none of the test-only code', () => {
    for (const file of [
      'background.js',
      'content.js',
      'popup.js',
      'options.js',
      'frames/view.js',
      'frames/editor.js',
    ]) {
      const js = read(release, file);
      for (const marker of TEST_ONLY) expect(js.includes(marker), `${marker} in ${file}`).toBe(false);
    }
  });

  it(`background.js stays under ${BACKGROUND_GZIP_BUDGET / 1024} KB gzipped, with no passphrase dictionaries`, () => {
    const bg = readFileSync(join(release, 'background.js'));
    expect(gzipSync(bg, { level: 9 }).length).toBeLessThanOrEqual(BACKGROUND_GZIP_BUDGET);
    // zxcvbn's dictionaries belong to strength.js (loaded by popup/options on demand), not to the worker or popup.
    expect(bg.toString('utf8')).not.toContain('zxcvbn');
    expect(read(release, 'popup.js')).not.toContain('zxcvbn');
    expect(read(release, 'strength.js')).toContain('zxcvbn');
  });
});

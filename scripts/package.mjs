// Produces the two store zips, dist/hush-chrome-<version>.zip and dist/hush-firefox-<version>.zip,
// from release builds of the one manifest (see makeManifest in build.mjs).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../build.mjs';

const root = new URL('..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const webExt = join(root, 'node_modules/.bin/web-ext');

for (const target of ['chrome', 'firefox']) {
  const dir = await build({ target, outdir: join(root, 'dist', `store-${target}`) });
  execFileSync(
    webExt,
    [
      'build',
      '--source-dir',
      dir,
      '--artifacts-dir',
      join(root, 'dist'),
      '--filename',
      `hush-${target}-${version}.zip`,
      '--overwrite-dest',
    ],
    { stdio: 'inherit' },
  );
}

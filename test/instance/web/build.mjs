// Bundles the test-instance client app (preact) into dist/app.js + dist/app.css.
// Imported by the server (buildWebApp) and runnable directly: `node test/instance/web/build.mjs`.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export async function buildWebApp() {
  const outdir = join(here, 'dist');
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [join(here, 'main.tsx')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    format: 'esm',
    target: ['chrome120', 'firefox115'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    sourcemap: false,
    minify: false,
    logLevel: 'warning',
  });
  await copyFile(join(here, 'app.css'), join(outdir, 'app.css'));
  // Mastodon serves Roboto as mastodon-font-sans-serif; the same font file the extension ships.
  await copyFile(
    join(here, '../../../src/frames/fonts/roboto-latin-400.woff2'),
    join(outdir, 'roboto-latin-400.woff2'),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildWebApp();
}

// Builds the extension into dist/extension from ONE manifest.json.
//   node build.mjs           release build (no static host permissions)
//   node build.mjs --test    test build: adds a static host permission for 127.0.0.1
//                            only, because browser tests cannot click permission prompts.
//   node build.mjs --target=chrome|firefox  (used by scripts/package.mjs for the store zips)
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

/** The one place that turns the source manifest into a browser-ready one. */
export function makeManifest({ test = false, target = 'both' } = {}) {
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  manifest.version = pkg.version;
  if (test) {
    // Match patterns ignore ports: this covers every test instance on loopback, nothing else.
    manifest.host_permissions = ['http://127.0.0.1/*'];
    manifest.name = 'Hush (test build)';
  }
  if (target === 'chrome') {
    delete manifest.background.scripts;
    delete manifest.browser_specific_settings;
    delete manifest.sidebar_action;
  } else if (target === 'firefox') {
    delete manifest.background.service_worker;
    // Firefox shows the inbox in its sidebar; it has no side panel API.
    delete manifest.side_panel;
    manifest.permissions = manifest.permissions.filter((p) => p !== 'sidePanel');
  }
  return manifest;
}

export async function build({
  test = false,
  target = 'both',
  outdir = join(root, 'dist', 'extension'),
  minify = !test,
  sourcemap = test ? 'inline' : false,
} = {}) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: {
      background: join(root, 'src/background/index.ts'),
      content: join(root, 'src/content/index.ts'),
      popup: join(root, 'src/popup/index.tsx'),
      options: join(root, 'src/popup/options.tsx'),
      // zxcvbn + dictionaries (~1.5 MB): loaded by popup/options only when a passphrase is judged.
      strength: join(root, 'src/popup/strength-entry.ts'),
      'frames/view': join(root, 'src/frames/view/index.ts'),
      'frames/editor': join(root, 'src/frames/editor/index.ts'),
      inbox: join(root, 'src/inbox/index.tsx'),
    },
    outdir,
    bundle: true,
    // Classic scripts: content scripts and Firefox background pages cannot be modules.
    format: 'iife',
    target: ['chrome120', 'firefox128'],
    platform: 'browser',
    minify,
    sourcemap,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { __HUSH_TEST_BUILD__: JSON.stringify(test) },
    logLevel: 'warning',
  });
  for (const page of ['popup.html', 'options.html', 'popup.css'])
    cpSync(join(root, 'src/popup', page), join(outdir, page));
  for (const page of ['inbox.html', 'inbox.css']) cpSync(join(root, 'src/inbox', page), join(outdir, page));
  for (const page of ['view.html', 'editor.html', 'frame.css'])
    cpSync(join(root, 'src/frames', page), join(outdir, 'frames', page));
  cpSync(join(root, 'src/frames/fonts'), join(outdir, 'frames/fonts'), { recursive: true });
  cpSync(join(root, 'src/content/content.css'), join(outdir, 'content.css'));
  cpSync(join(root, 'icons'), join(outdir, 'icons'), { recursive: true });
  cpSync(join(root, '_locales'), join(outdir, '_locales'), { recursive: true });
  writeFileSync(join(outdir, 'manifest.json'), JSON.stringify(makeManifest({ test, target }), null, 2));
  return outdir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const test = args.includes('--test');
  const target = (args.find((a) => a.startsWith('--target=')) ?? '--target=both').slice('--target='.length);
  const out = await build({ test, target });
  console.log(`built ${test ? 'test' : 'release'} extension (${target}) -> ${out}`);
}

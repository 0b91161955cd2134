/**
 * npm run demo [-- --headed] [-- --firefox]
 *
 * Starts the test federation (a.test, b.test), opens two browsers with the test build of Hush,
 * each with its own profile; alice@a.test and bob@b.test enable Hush, verify each other and
 * exchange encrypted direct messages (one long enough to be chunked, one reply). Prints what each
 * server's database holds next to what each browser shows, and saves screenshots to
 * test-artifacts/demo/. Headless unless a display is available or --headed is given.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from '../build.mjs';
import { browserKinds, launchBrowser, type BrowserKind, type LaunchedBrowser } from '../test/browser/launch';
import {
  chooseDirect,
  clickHush,
  editorProblem,
  enableHush,
  openAs,
  sendSecure,
  shownMessages,
  typeSecure,
  verifyContact,
  waitForPlaintext,
  type HushUser,
} from '../test/browser/overlay-support';
import { startFederation, type Federation, type Instance } from '../test/instance/server/federation';
import sqlite from 'node-sqlite3-wasm';

/** Rows straight from an instance's SQLite file, read-only (the package is CommonJS: default import). */
function queryDb(dbPath: string, sql: string): Record<string, unknown>[] {
  const db = new sqlite.Database(dbPath, { readOnly: true });
  try {
    return db.all(sql);
  } finally {
    db.close();
  }
}

const args = new Set(process.argv.slice(2));
const headless = !(args.has('--headed') || (process.env.DISPLAY ?? '') !== '');
const kind: BrowserKind = args.has('--firefox') ? 'firefox' : (browserKinds()[0] ?? 'chromium');
const artifacts = resolve('test-artifacts/demo');
const step = (text: string): void => console.log(`\n== ${text}`);
const str = (x: unknown, fallback: string): string => (typeof x === 'string' ? x : fallback);
const clip = (s: string, n = 72): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

async function send(from: HushUser, text: string): Promise<void> {
  const locked = await from.page.$('.hush-lock-bar[data-hush-lock="on"]');
  if (locked === null) {
    await chooseDirect(from.page);
    await from.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]', { timeout: 30_000 });
  }
  await typeSecure(from.page, text);
  // Sent from inside the secure editor; the background posts and checks what the server stored.
  const phase = await sendSecure(from.page, 90_000);
  if (phase !== 'sent') throw new Error(`the message was not sent: ${await editorProblem(from.page)}`);
}

function printDatabases(instances: Instance[]): void {
  for (const i of instances) {
    console.log(`\n${i.domain} database (${i.dbPath}), direct statuses:`);
    for (const row of queryDb(
      i.dbPath,
      "SELECT id, account_id, in_reply_to_id, text FROM statuses WHERE visibility = 'direct' ORDER BY id",
    )) {
      // Received statuses are stored as HTML: tags dropped for display.
      console.log(
        `  ${String(row.id)}  reply_to=${str(row.in_reply_to_id, '-').padEnd(18)}  ${clip(str(row.text, '').replace(/<[^>]*>/g, ''), 90)}`,
      );
    }
  }
}

async function main(): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  step(`building the test extension; browser: ${kind}, ${headless ? 'headless (--headed to watch)' : 'headed'}`);
  // A private build: dist/extension is rebuilt (emptied, then rewritten) by any browser test run or
  // build in this checkout, and frames load their files from disk at every load, so a shared build
  // left the demo with frames that loaded and showed nothing (reproduced by rebuilding mid-demo).
  const extensionDir = await build({ test: true, outdir: mkdtempSync(join(tmpdir(), 'hush-demo-ext-')) });
  let fed: Federation | undefined;
  const browsers: LaunchedBrowser[] = [];
  try {
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-demo-')) });
    const a = fed.instances['a.test'];
    const b = fed.instances['b.test'];
    const aliceUser = a?.users.alice;
    const bobUser = b?.users.bob;
    if (!a || !b || !aliceUser || !bobUser)
      throw new Error('federation did not start with alice@a.test and bob@b.test');
    console.log(`a.test: ${a.origin}   b.test: ${b.origin}`);
    const [ab, bb] = await Promise.all([
      launchBrowser(kind, { extensionDir, headless }),
      launchBrowser(kind, { extensionDir, headless }),
    ]);
    browsers.push(ab, bb);
    const alice = await openAs(ab, a.origin, aliceUser, 'alice');
    const bob = await openAs(bb, b.origin, bobUser, 'bob');

    step('alice@a.test and bob@b.test enable Hush and verify each other');
    await enableHush(alice);
    await enableHush(bob);
    console.log(`alice verified bob:  ${await verifyContact(alice, 'bob@b.test')}`);
    console.log(`bob verified alice:  ${await verifyContact(bob, 'alice@a.test')}`);

    const first = 'Hi Bob, this is end-to-end encrypted: neither a.test nor b.test can read it.';
    step('alice sends an encrypted direct message');
    await send(alice, `@bob@b.test ${first}`);
    const bobSees = await waitForPlaintext(bob.page, first);

    step('bob replies (encryption is on by default for a reply to an encrypted message)');
    await clickHush(bob.page, `.status[data-id="${bobSees.statusId}"] .status__action-bar button`, 'firefox');
    await bob.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]', { timeout: 30_000 });
    const reply = 'Hi Alice! Received and verified. Send me the long version?';
    await send(bob, `@alice@a.test ${reply}`);
    await waitForPlaintext(alice.page, reply);

    step('alice sends a long message: posted as a thread of chunks, read as one message');
    const long = `Here is the long version. ${'Every chunk is signed and the whole message is checked before anything is shown. '.repeat(12)}The end.`;
    await send(alice, `@bob@b.test ${long}`);
    await waitForPlaintext(bob.page, 'The end.', 60_000);

    step('what the servers store (ciphertext only)');
    printDatabases([a, b]);
    step("what the browsers show (plaintext, in Hush's secure views)");
    for (const [name, u] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      console.log(`\n${name}'s browser:`);
      for (const m of await shownMessages(u.page)) console.log(`  ${m.statusId}  [${m.badge}]  ${clip(m.text, 90)}`);
    }
    for (const [name, u] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      await u.page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
    }
    step("bob's Hush inbox (no web UI needed; here it uses bob's open tab for the token)");
    const inbox = await bb.openExtensionPage('inbox.html');
    await inbox.setViewport({ width: 900, height: 900 });
    await inbox.waitForSelector('[data-testid="conversation"]', { timeout: 60_000 });
    await inbox.click('[data-testid="conversation"]');
    await inbox.waitForFunction(
      (text: string) =>
        [...document.querySelectorAll('[data-testid="message"]')].some((m) =>
          (m as HTMLElement).innerText.includes(text),
        ),
      { timeout: 60_000 },
      'The end.',
    );
    await inbox.screenshot({ path: join(artifacts, 'bob-inbox.png') });
    const plaintextOnServer = [a, b].some((i) =>
      queryDb(i.dbPath, 'SELECT text, content FROM statuses').some((r) =>
        [first, reply, 'The end.'].some((p) => `${String(r.text)}${String(r.content)}`.includes(p)),
      ),
    );
    step(
      plaintextOnServer
        ? 'FAILED: a database holds plaintext'
        : `OK: no plaintext in either database; screenshots in ${artifacts}`,
    );
    if (plaintextOnServer) process.exitCode = 1;
  } finally {
    await Promise.all(browsers.map((x) => x.close()));
    await fed?.stop();
    rmSync(extensionDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});

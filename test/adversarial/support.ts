/**
 * Shared pieces of the adversarial browser tests: one federation with a Node-side alice (keys
 * published, posts through the REST API) and bob in a real browser with Hush, the network log
 * of bob's page, and the tally of attack attempts printed as the suite's summary line.
 */
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HTTPRequest, Page } from 'puppeteer-core';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { queryDb } from '../instance/web/test-support';
import { launchBrowser, testExtensionDir, type BrowserKind, type LaunchedBrowser } from '../browser/launch';
import { ask, enableHush, openAs, verifyContact, type HushUser } from '../browser/overlay-support';
import { nodeParty, type NodeParty } from './node-party';
import { recordSummary } from './summary-store';

const builtDir = testExtensionDir;

/**
 * A private copy of the test build: other engineers' test runs rebuild dist/extension while ours
 * runs, and a browser loading a half-written directory fails for reasons that are not Hush's.
 */
export function extensionCopy(): string {
  for (let i = 0; i < 50; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'hush-adv-ext-'));
    cpSync(builtDir, dir, { recursive: true });
    if (
      ['manifest.json', 'popup.html', 'frames/view.html', 'frames/editor.html'].every((f) => existsSync(join(dir, f)))
    )
      return dir;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
  throw new Error('no complete build in dist/extension');
}
export const PHRASE = 'purple walrus 42';

export interface World {
  readonly fed: Federation;
  readonly a: Instance;
  readonly b: Instance;
  readonly browser: LaunchedBrowser;
  readonly bob: HushUser;
  readonly alice: NodeParty;
  /** URL and body of every request bob's pages made. */
  readonly requests: string[];
}

/** Records every request a page makes (URL + body): what left the browser through the page. */
export function recordRequests(page: Page, into: string[]): void {
  page.on('request', (r: HTTPRequest) => {
    into.push(`${r.method()} ${decodeURIComponent(r.url())}`);
    if (r.hasPostData())
      void r.fetchPostData().then(
        (body) => {
          if (body !== undefined) into.push(body);
        },
        () => undefined,
      );
  });
}

/**
 * Starts the federation (hostile script installed first when given), bob in `kind` with Hush
 * enabled and his security phrase set, and alice on a.test as a Node party bob has verified.
 */
export async function startWorld(kind: BrowserKind, hostileScript: string | null): Promise<World> {
  const fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-adv-')) });
  const a = fed.instances['a.test'] as Instance;
  const b = fed.instances['b.test'] as Instance;
  if (hostileScript !== null)
    await Promise.all([
      a.adversary.setHostileScript(hostileScript, 'both'),
      b.adversary.setHostileScript(hostileScript, 'both'),
    ]);
  const alice = await nodeParty(a, 'alice');
  const browser = await launchBrowser(kind, { extensionDir: extensionCopy() });
  const bobUser = b.users.bob;
  if (!bobUser) throw new Error('federation users missing');
  const bob = await openAs(browser, b.origin, bobUser, 'bob');
  const requests: string[] = [];
  recordRequests(bob.page, requests);
  // Dialogs (the lock's "turn off?" confirm) must never block the content script in a test.
  bob.page.on('dialog', (d) => void d.dismiss());
  await enableHush(bob);
  await ask(bob, 'settings/security-phrase/set', { text: PHRASE, pattern: 'waves-teal' });
  await verifyContact(bob, alice.acct);
  return { fed, a, b, browser, bob, alice, requests };
}

export async function stopWorld(w: World | undefined): Promise<void> {
  await w?.browser.close();
  await w?.fed.stop();
}

/** Every column of every status row in the instances' databases, as text. */
export function allStatusText(...instances: Instance[]): string {
  return instances
    .map((i) =>
      queryDb(i.dbPath, 'SELECT * FROM statuses')
        .map((r) => JSON.stringify(r))
        .join('\n'),
    )
    .join('\n');
}

export const statusCount = (inst: Instance): number => queryDb(inst.dbPath, 'SELECT id FROM statuses').length;

/** Tally of attack attempts across one test file, printed as the suite's summary line. */
export class Tally {
  tried = 0;
  succeeded = 0;
  readonly failures: string[] = [];
  /** Every attack by name (the summary lists them, so a missing one shows). */
  readonly attacks: { name: string; tried: number; succeeded: number }[] = [];

  add(name: string, tries: number, succeeded: number, detail = ''): void {
    this.tried += tries;
    this.succeeded += succeeded;
    const known = this.attacks.find((a) => a.name === name);
    if (known === undefined) this.attacks.push({ name, tried: tries, succeeded });
    else {
      known.tried += tries;
      known.succeeded += succeeded;
    }
    if (succeeded > 0) this.failures.push(`${name}: ${detail}`);
  }

  print(label: string): void {
    console.log(
      `adversarial ${label}: ${this.tried} attempts tried, ${this.succeeded} succeeded${this.failures.length ? ` (${this.failures.join('; ')})` : ''}`,
    );
    recordSummary({
      kind: 'attacks',
      label,
      tried: this.tried,
      succeeded: this.succeeded,
      failures: this.failures,
      attacks: this.attacks,
    });
  }
}

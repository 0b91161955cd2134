/**
 * One way to start a real browser for Hush's browser tests and the demo: Debian's Chromium or
 * Firefox ESR through puppeteer-core, optionally with the built extension installed, in a
 * fresh (or given) profile. Facts behind each flag: ../shared/reference/browser-testing.md.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { TargetType, type Browser, type Page } from 'puppeteer-core';
import { federationOrigins } from '../instance/server/federation';

export type BrowserKind = 'chromium' | 'firefox';

/**
 * Where the browser tests' global setup builds the test extension. HUSH_EXTENSION_DIR lets two
 * test runs on one checkout each use their own build (a browser loading a directory another run
 * is rewriting fails for reasons that are not Hush's).
 */
export const testExtensionDir = resolve(process.env.HUSH_EXTENSION_DIR ?? 'dist/extension');

export interface LaunchOptions {
  /** Directory of an unpacked extension (usually dist/extension from a --test build). */
  readonly extensionDir?: string;
  readonly profileDir?: string;
  readonly headless?: boolean;
  /** Extra Firefox preferences, e.g. to force the dark colour scheme (BiDi cannot emulate it). */
  readonly firefoxPrefs?: Readonly<Record<string, unknown>>;
}

export interface LaunchedBrowser {
  readonly browser: Browser;
  readonly kind: BrowserKind;
  readonly profileDir: string;
  /** chrome-extension://ID or moz-extension://UUID, when an extension was installed. */
  readonly extensionOrigin: string | null;
  newPage(): Promise<Page>;
  /** Opens an extension page (e.g. "popup.html?tabId=3") in a new tab and waits until it runs. */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

// A fixed moz-extension UUID so tests know the Firefox extension origin in advance.
const FIREFOX_UUID = '6b1c2f3e-4d5a-4b6c-8d7e-9f0a1b2c3d4e';

export const browserPath = (kind: BrowserKind): string =>
  kind === 'chromium'
    ? (process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')
    : (process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr');

const chromiumArgs = (profileDir: string) => [
  `--user-data-dir=${profileDir}`,
  '--no-sandbox', // root in CI containers
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  // Closed network: stop Chromium from resolving vendor hosts.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost, EXCLUDE 127.0.0.1',
  '--window-size=1280,900',
  // identity.launchWebAuthFlow (the inbox's OAuth) shows the instance's consent page in a normal
  // browser tab, which puppeteer can drive (the default is a hidden web contents it cannot see).
  '--enable-features=WebAuthFlowInBrowserTab',
];

async function extensionOriginChromium(browser: Browser, id: string): Promise<string> {
  const origin = `chrome-extension://${id}`;
  const target = await browser.waitForTarget(
    (t) => t.type() === TargetType.SERVICE_WORKER && t.url().startsWith(origin),
    { timeout: 20_000 },
  );
  // The worker target can attach before its script ran: wait for the global it sets last.
  const worker = await target.worker();
  if (worker) {
    for (let i = 0; i < 200; i++) {
      if (
        await worker.evaluate(() => (globalThis as { __hushReady?: boolean }).__hushReady === true).catch(() => false)
      )
        break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return origin;
}

export async function launchBrowser(kind: BrowserKind, opts: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const profileDir = opts.profileDir ?? mkdtempSync(join(tmpdir(), `hush-${kind}-`));
  const headless = opts.headless ?? true;
  let browser: Browser;
  let extensionOrigin: string | null = null;
  if (kind === 'chromium') {
    browser = await puppeteer.launch({
      executablePath: browserPath(kind),
      headless,
      pipe: true,
      enableExtensions: opts.extensionDir !== undefined,
      args: chromiumArgs(profileDir),
      defaultViewport: { width: 1280, height: 900 },
    });
    if (opts.extensionDir)
      extensionOrigin = await extensionOriginChromium(browser, await browser.installExtension(opts.extensionDir));
  } else {
    const geckoId = opts.extensionDir
      ? (
          JSON.parse(readFileSync(join(opts.extensionDir, 'manifest.json'), 'utf8')) as {
            browser_specific_settings: { gecko: { id: string } };
          }
        ).browser_specific_settings.gecko.id
      : null;
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: browserPath(kind),
      headless,
      userDataDir: profileDir,
      args: ['--remote-allow-system-access', '--width=1280', '--height=900'],
      defaultViewport: { width: 1280, height: 900 },
      extraPrefsFirefox: {
        ...(geckoId ? { 'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: FIREFOX_UUID }) } : {}),
        // No network chatter on a closed network.
        'app.update.enabled': false,
        'browser.shell.checkDefaultBrowser': false,
        'datareporting.policy.dataSubmissionEnabled': false,
        ...opts.firefoxPrefs,
      },
    });
    if (opts.extensionDir) {
      await browser.installExtension(opts.extensionDir);
      extensionOrigin = `moz-extension://${FIREFOX_UUID}`;
    }
  }

  const openExtensionPage = async (path: string): Promise<Page> => {
    if (extensionOrigin === null) throw new Error('no extension installed in this browser');
    const page = await browser.newPage();
    const url = `${extensionOrigin}/${path}`;
    if (kind === 'firefox') {
      // BiDi never reports a load for moz-extension pages: don't await goto, poll instead.
      void page.goto(url).catch(() => undefined);
      // Evaluations can fail while the document is being swapped: poll and retry ourselves.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const ready = await page
          .evaluate(() => location.protocol === 'moz-extension:' && document.readyState === 'complete')
          .catch(() => false);
        if (ready) break;
        if (Date.now() > deadline) throw new Error(`extension page ${path} did not load`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } else {
      await page.goto(url);
    }
    // The test federation's domains have no host: tell the test build where WebFinger for each is.
    if (federationOrigins.size > 0) {
      const map = Object.fromEntries(federationOrigins);
      await page.evaluate(
        (key: string, m: Record<string, string>) =>
          (
            globalThis as unknown as { chrome: { storage: { local: { set(x: object): Promise<void> } } } }
          ).chrome.storage.local.set({ [key]: m }),
        'hush-test:webfinger-origins',
        map,
      );
    }
    return page;
  };

  return {
    browser,
    kind,
    profileDir,
    extensionOrigin,
    newPage: async () => {
      const page = await browser.newPage();
      return kind === 'firefox' ? steadyNavigation(page) : page;
    },
    openExtensionPage,
    close: () => browser.close(),
  };
}

/**
 * Firefox over WebDriver BiDi at times fails a reload or goto with NS_BINDING_ABORTED when another
 * load in the tab is cancelled at that moment (puppeteer #12929, playwright #20749; seen on bob's
 * Home with its view frames loading, about 1 overlay run in 6 under load, never in Chromium). Not
 * a page failure: the navigation is made once more, and a second failure is thrown.
 */
function steadyNavigation(page: Page): Page {
  const aborted = (e: unknown): boolean => e instanceof Error && e.message.includes('NS_BINDING_ABORTED');
  const goto = page.goto.bind(page);
  const reload = page.reload.bind(page);
  page.goto = async (url, options) => {
    try {
      return await goto(url, options);
    } catch (e) {
      if (!aborted(e)) throw e;
      return goto(url, options);
    }
  };
  page.reload = async (options) => {
    try {
      return await reload(options);
    } catch (e) {
      if (!aborted(e)) throw e;
      return reload(options);
    }
  };
  return page;
}

/** Browsers the browser tests run in; HUSH_BROWSERS=chromium narrows it for a quick local run. */
export const browserKinds = (): BrowserKind[] =>
  (process.env.HUSH_BROWSERS ?? 'chromium,firefox')
    .split(',')
    .filter((k): k is BrowserKind => k === 'chromium' || k === 'firefox');

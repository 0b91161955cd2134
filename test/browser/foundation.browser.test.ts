/**
 * Foundation wiring in real Chromium and Firefox ESR with the built extension: the content
 * script detects the Mastodon shell under Mastodon's production CSP, the background answers
 * typed messages (and typed errors), the popup renders the tab's state, and an extension
 * frame inserted into the page is opaque to page JavaScript.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, browserKinds, type LaunchedBrowser, testExtensionDir } from './launch';
import { sendFromExtensionPage, tabIdFor, waitForTabState } from './extension-helpers';
import { startShellServer, type ShellServer } from './shell-server';

const extensionDir = testExtensionDir;

describe.each(browserKinds())('foundation in %s', (kind) => {
  let b: LaunchedBrowser;
  let shell: ShellServer;

  beforeAll(async () => {
    shell = await startShellServer();
    b = await launchBrowser(kind, { extensionDir });
  });
  afterAll(async () => {
    await b.close();
    await shell.close();
  });

  it('background answers a typed ping with its version and a working libsodium', async () => {
    const ext = await b.openExtensionPage('popup.html');
    const reply = (await sendFromExtensionPage(ext, { type: 'ping', payload: {} })) as {
      ok: boolean;
      value: { version: string; sodium: { ready: boolean; version: string; error: unknown } };
    };
    expect(reply.ok).toBe(true);
    // The version the build stamped from package.json (the source manifest says 0.0.0), not a copy of it.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(reply.value.version).toBe(pkg.version);
    expect(reply.value.version).not.toBe('0.0.0');
    expect(reply.value.sodium).toMatchObject({ ready: true, error: null });
    expect(reply.value.sodium.version).toMatch(/^1\.0\.\d+/);
    await ext.close();
  });

  it('a message with a wrong shape gets a typed error reply', async () => {
    const ext = await b.openExtensionPage('popup.html');
    expect(await sendFromExtensionPage(ext, { type: 'ping' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await sendFromExtensionPage(ext, { type: 'popup/tab-state', payload: { tabId: 'x' } })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await sendFromExtensionPage(ext, { type: 'no/such', payload: {} })).toMatchObject({
      ok: false,
      error: { code: 'unknown_type' },
    });
    // The popup is not a content script: it may not claim to have detected a page.
    const forged = {
      type: 'page/detected',
      payload: { domain: 'x', version: '4.8.0', generation: '4.5', account: null },
    };
    expect(await sendFromExtensionPage(ext, forged)).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    const diag = (await sendFromExtensionPage(ext, { type: 'diagnostics/get', payload: {} })) as {
      value: { entries: { message: string }[] };
    };
    expect(diag.value.entries.map((e) => e.message).join('\n')).toContain('refused a message from extension-page');
    await ext.close();
  });

  it('content script detects the Mastodon shell under production CSP and the popup shows it', async () => {
    const page = await b.newPage();
    await page.goto(`${shell.origin}/home`);
    const ext = await b.openExtensionPage('popup.html');
    const tabId = await tabIdFor(ext, `${shell.origin}/home`);
    const state = await waitForTabState(ext, tabId);
    expect(state).toMatchObject({
      origin: shell.origin,
      page: { domain: 'shell.test', version: '4.8.0', generation: '4.5', account: { id: '1', acct: 'alice' } },
    });
    await ext.close();

    const popup = await b.openExtensionPage(`popup.html?tabId=${tabId}`);
    await popup.waitForSelector('[data-testid="detected"]');
    const text = await popup.$eval('main', (m) => m.textContent ?? '');
    expect(text).toContain('Mastodon 4.8.0 on shell.test');
    expect(text).toContain('Signed in as @alice@shell.test');
    expect(text).toMatch(/libsodium 1\.0\.\d+/);
    await popup.close();
    await page.close();
  });

  it('stays out of pages that are not the Mastodon web UI', async () => {
    const page = await b.newPage();
    await page.goto(`${shell.origin}/not-mastodon`);
    const ext = await b.openExtensionPage('popup.html');
    const tabId = await tabIdFor(ext, `${shell.origin}/not-mastodon`);
    // Give the content script ample chances to (wrongly) report; it must not.
    await page.waitForFunction(() => document.readyState === 'complete');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await sendFromExtensionPage(ext, { type: 'popup/tab-state', payload: { tabId } })).toEqual({
      ok: true,
      value: { state: null },
    });
    await ext.close();
    await page.close();
  });

  it('an extension frame in the page is opaque to page JavaScript', async () => {
    const page = await b.newPage();
    await page.goto(`${shell.origin}/home`);
    const src = `${b.extensionOrigin ?? ''}/frames/view.html?s=${'A'.repeat(24)}`;
    const result = await page.evaluate(async (frameSrc) => {
      const f = document.createElement('iframe');
      f.src = frameSrc;
      document.body.append(f);
      await new Promise((r) => {
        f.onload = r;
        setTimeout(r, 3000);
      });
      const contentDocument = f.contentDocument === null ? null : 'readable';
      try {
        const leaked = f.contentWindow?.document.body.textContent ?? '';
        return { contentDocument, windowDocument: `readable: ${leaked}` };
      } catch (e) {
        return { contentDocument, windowDocument: (e as Error).name };
      }
    }, src);
    expect(result).toEqual({ contentDocument: null, windowDocument: 'SecurityError' });
    if (kind === 'chromium') {
      // use_dynamic_url: at the extension's static URL the page gets no Hush frame at all (not
      // loadable, not detectable); Hush's own frames use a per-session URL.
      expect(page.frames().find((f) => f.url().startsWith(b.extensionOrigin ?? '-'))).toBeUndefined();
    }
    await page.close();
  });
});

/**
 * Shared steps of the inbox browser tests (issue #18): polling, reading what the inbox shows,
 * reloading an extension page in both browsers, axe.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { expect } from 'vitest';

export async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== null && v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Firefox (BiDi) never reports a load for moz-extension pages: reload without awaiting it; callers then wait for content. */
export async function reload(page: Page): Promise<void> {
  void page.reload().catch(() => undefined);
  await new Promise((r) => setTimeout(r, 700));
}

export const textOf = (page: Page, selector: string): Promise<string> =>
  page.evaluate(
    (s: string) => [...document.querySelectorAll(s)].map((e) => (e as HTMLElement).innerText).join('\n'),
    selector,
  );

/** Each conversation item's text, in list order. */
export const listItems = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="conversation"]')].map((e) => (e as HTMLElement).innerText),
  );

const axeSource = readFileSync(resolve('node_modules/axe-core/axe.min.js'), 'utf8');

/** axe on the inbox as it is now: light and dark in Chromium (Firefox cannot emulate the scheme over BiDi). */
export async function axeClean(page: Page, kind: string, name: string): Promise<void> {
  for (const scheme of kind === 'chromium' ? (['light', 'dark'] as const) : (['light'] as const)) {
    if (kind === 'chromium') await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    await page.evaluate(axeSource);
    const found = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: { run(d: Document): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> };
        }
      ).axe;
      return (await axe.run(document)).violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
    });
    expect(found, `${name} (${scheme})`).toEqual([]);
  }
}

/** Clicks Authorize on the instance's consent page once the auth window opens. */
export async function consent(browser: Browser): Promise<void> {
  const target = await browser.waitForTarget((t) => t.url().includes('/oauth/authorize'), { timeout: 20_000 });
  const auth = await target.page();
  if (!auth) throw new Error('no auth page');
  await until('consent page', () => auth.$('#authorize'));
  await auth.click('#authorize');
}

/** Connects an account in the inbox: Add account (or the first Connect form), the instance, Connect, then Authorize. */
export async function connect(browser: Browser, inbox: Page, instance: string): Promise<void> {
  await inbox.bringToFront();
  await until('add account', () => inbox.$('[data-testid="add-account"], #inbox-instance'));
  await inbox.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid="add-account"]')?.click());
  await until('instance field', () => inbox.$('#inbox-instance'));
  await inbox.$eval(
    '#inbox-instance',
    (el, v) => {
      const input = el as HTMLInputElement;
      input.value = v;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    instance,
  );
  await inbox.click('[data-testid="inbox-connect"] button.primary');
  await consent(browser);
}

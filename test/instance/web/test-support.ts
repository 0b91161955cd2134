// Helpers for the test-instance browser tests (test/instance/*.browser.test.ts): REST calls from
// Node with a user's token, SQLite reads, and driving the compose form of either UI generation.
import { Database } from 'node-sqlite3-wasm';
import type { ElementHandle, Page } from 'puppeteer-core';

export async function api(
  origin: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : null;
}

export async function postStatus(
  origin: string,
  token: string,
  body: Record<string, unknown>,
): Promise<{ id: string }> {
  return (await api(origin, token, 'POST', '/api/v1/statuses', { visibility: 'public', ...body })) as { id: string };
}

/** Rows straight from the instance's SQLite file (read-only, like `sqlite3 a.db "select ..."`). */
export function queryDb(dbPath: string, sql: string, params: (string | number)[] = []): Record<string, unknown>[] {
  const db = new Database(dbPath, { readOnly: true });
  try {
    return db.all(sql, params);
  } finally {
    db.close();
  }
}

export async function textareaOf(page: Page): Promise<ElementHandle<HTMLTextAreaElement>> {
  const el = await page.waitForSelector('form.compose-form textarea.autosuggest-textarea__textarea');
  if (!el) throw new Error('no compose textarea');
  return el;
}

/** The visibility button: first button.dropdown-button in .compose-form__dropdowns (sheet section 9). */
const VISIBILITY_BUTTON = 'form.compose-form .compose-form__dropdowns button.dropdown-button';

/** Chooses "direct" the way a user does in the page's generation: modal + Save (4.5+) or dropdown (4.3-4.4). */
export async function chooseDirect(page: Page): Promise<'modal' | 'dropdown'> {
  await page.click(VISIBILITY_BUTTON);
  const which = await Promise.race([
    page.waitForSelector('.modal-root__modal.dialog-modal.visibility-modal').then(() => 'modal' as const),
    page.waitForSelector('li.privacy-dropdown__option[data-index=direct]').then(() => 'dropdown' as const),
  ]);
  if (which === 'modal') {
    await page.click('.visibility-modal .visibility-dropdown__button');
    // The options are portalled to body, outside the modal (as on the real UI).
    await page.click('body > .visibility-dropdown__overlay li.visibility-dropdown__option[data-index=direct]');
    const save = await page.waitForSelector(
      '::-p-xpath(//div[contains(@class,"visibility-modal")]//button[normalize-space()="Save"])',
    );
    await save?.click();
    await page.waitForSelector('.visibility-modal', { hidden: true });
  } else {
    await page.click('li.privacy-dropdown__option[data-index=direct]');
    await page.waitForSelector('.privacy-dropdown__dropdown', { hidden: true });
  }
  await page.waitForSelector(`${VISIBILITY_BUTTON} svg.icon-at`);
  return which;
}

export async function counterValue(page: Page): Promise<number> {
  return Number(await page.$eval('form.compose-form span.character-counter', (e) => e.textContent));
}

/** Waits until some element matching `selector` contains `text`. */
export async function waitForText(page: Page, selector: string, text: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (sel: string, t: string) => Array.from(document.querySelectorAll(sel)).some((e) => e.textContent.includes(t)),
    { timeout },
    selector,
    text,
  );
}

export interface PageWatch {
  errors: string[];
  cspViolations: string[];
}

/** Records uncaught page errors and CSP violations (the app must run under Mastodon's CSP). */
export async function watchPage(page: Page): Promise<PageWatch> {
  const watch: PageWatch = { errors: [], cspViolations: [] };
  page.on('pageerror', (e) => {
    watch.errors.push(e instanceof Error ? e.message : String(e));
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /content security policy/i.test(m.text())) watch.cspViolations.push(m.text());
  });
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return watch;
}

/**
 * Drives Hush in a real browser for the overlay tests and the demo: opens a user's Mastodon page
 * with the test build, enables Hush through the keys messages (as the popup would), verifies a
 * contact, composes in the secure editor and reads what the secure views show.
 */
import type { Frame, Page } from 'puppeteer-core';
import { sendFromExtensionPage, tabIdFor, waitForTabState } from './extension-helpers';
import type { LaunchedBrowser } from './launch';

export interface HushUser {
  readonly page: Page;
  readonly ext: Page;
  readonly origin: string;
  readonly accountId: string;
  readonly acct: string;
}

interface Reply<T> {
  ok: boolean;
  value?: T;
  error?: { code: string; message: string };
}

export async function ask<T>(u: Pick<HushUser, 'ext'>, type: string, payload: unknown): Promise<T> {
  const r = (await sendFromExtensionPage(u.ext, { type, payload })) as Reply<T>;
  if (!r.ok || r.value === undefined) throw new Error(`${type} failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

/** Opens `path` as `user` (cookie session via ?as=) and waits until Hush has seen the page. */
export async function openAs(
  b: LaunchedBrowser,
  origin: string,
  user: { id: string; acct: string },
  name: string,
  path = '/home',
): Promise<HushUser> {
  const page = await b.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${origin}${path}?as=${name}`);
  const ext = await b.openExtensionPage('popup.html');
  const tabId = await tabIdFor(ext, `${origin}${path}`);
  await page.bringToFront();
  // Firefox ESR has at times not run the registered content script in a second Mastodon tab of
  // the same browser (seen under load); one reload is what a user would do. Reported to the lead.
  await waitForTabState(ext, tabId).catch(async () => {
    await page.reload();
    await waitForTabState(ext, tabId);
  });
  return { page, ext, origin, accountId: user.id, acct: user.acct };
}

export async function enableHush(u: HushUser): Promise<void> {
  const r = await ask<{ result: string; message?: string }>(u, 'keys/enable', {
    account: { origin: u.origin, accountId: u.accountId },
    replaceField: null,
  });
  if (r.result !== 'enabled') throw new Error(`enable failed: ${JSON.stringify(r)}`);
}

/** Looks the contact up and marks its key verified (what comparing safety numbers ends in). */
export async function verifyContact(u: HushUser, acct: string): Promise<string> {
  const account = { origin: u.origin, accountId: u.accountId };
  const d = await ask<{ result: string; contact?: { fingerprint: string } }>(u, 'keys/contact', {
    account,
    acct,
    refresh: true,
  });
  if (d.result !== 'ok' || !d.contact) throw new Error(`contact ${acct}: ${JSON.stringify(d)}`);
  const v = await ask<{ result: string }>(u, 'keys/contact-verify', {
    account,
    acct,
    fingerprint: d.contact.fingerprint,
  });
  if (v.result !== 'verified') throw new Error(`verify ${acct}: ${JSON.stringify(v)}`);
  return d.contact.fingerprint;
}

const VISIBILITY_BUTTON = 'form.compose-form .compose-form__dropdowns button.dropdown-button';

/** Chooses "Private mention" in either generation's control (mastodon-ui.md §2.4). */
export async function chooseDirect(page: Page): Promise<void> {
  await (await page.waitForSelector(VISIBILITY_BUTTON))?.click(); // drawn after load, right after a reload
  const which = await Promise.race([
    page.waitForSelector('.visibility-modal').then(() => 'modal' as const),
    page.waitForSelector('li.privacy-dropdown__option[data-index=direct]').then(() => 'dropdown' as const),
  ]);
  if (which === 'modal') {
    // The options are portalled to body, outside the modal (as on the real UI), and drawn a moment
    // after the click: wait for them (under load a bare click found none), and click the button
    // again if they never come (CI: a click made before the modal listened opened nothing).
    const optionSelector = 'body > .visibility-dropdown__overlay li.visibility-dropdown__option[data-index=direct]';
    for (let i = 0; ; i++) {
      await (await page.waitForSelector('.visibility-modal .visibility-dropdown__button'))?.click();
      const option = await page.waitForSelector(optionSelector, { timeout: 8_000 }).catch((e: unknown) => {
        if (i >= 2) throw e;
        return null;
      });
      if (option !== null) {
        await option.click();
        break;
      }
    }
    const save = await page.waitForSelector(
      '::-p-xpath(//div[contains(@class,"visibility-modal")]//button[normalize-space()="Save"])',
    );
    await save?.click();
    await page.waitForSelector('.visibility-modal', { hidden: true });
  } else {
    await page.click('li.privacy-dropdown__option[data-index=direct]');
  }
  await page.waitForSelector(`${VISIBILITY_BUTTON} svg.icon-at`);
}

/**
 * The secure editor's frame, once the lock is on. Looked up again on each try: a frame handle
 * taken before the extension page finished navigating can stay attached to the blank document.
 */
export async function editorFrame(page: Page, timeout = 15_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    // Each look is bounded: a frame that is navigating (reloaded, moved) can leave puppeteer
    // waiting for an execution context that never comes, which hung a whole test before.
    const handle = await bounded(page.$('.hush-editor-host iframe'), null);
    const frame = handle === null ? null : await bounded(handle.contentFrame(), null);
    if (frame && (await bounded(frame.$('textarea.hush-editor'), null)) !== null) return frame;
    if (Date.now() > deadline) {
      const src = await bounded(
        page.$$eval('.hush-editor-host iframe', (fs) => fs.map((f) => f.src).join(' | ')),
        '?',
      );
      // What the frame itself shows (joining, refused, its error), to tell a product fault from a slow run.
      const shows =
        frame === null
          ? '-'
          : await bounded(
              frame.evaluate(() => {
                const root = document.getElementById('hush-frame');
                return `${root?.dataset.state ?? 'no state'}: ${(root?.textContent ?? '').slice(0, 200)}`;
              }),
              'unreadable',
            );
      throw new Error(
        `no secure editor in ${timeout} ms (frames: ${src || 'none'}, frame url: ${frame?.url() ?? '-'}, frame shows: ${shows})`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Writes a message in the secure editor: a leading run of "@handle" becomes recipients added in
 * the editor's own recipient field (as a user would), the rest is the text. Waits until the
 * background has the draft (each recipient shows as a chip with its state, the budget shows).
 */
export async function typeSecure(page: Page, text: string): Promise<void> {
  const frame = await editorFrame(page);
  const lead = /^\s*((?:@[\w.@-]+\s+)*)/.exec(text)?.[1] ?? '';
  const recipients = [...lead.matchAll(/@([\w.@-]+)/g)].map((m) => m[1] ?? '');
  const body = text.slice(lead.length);
  // A tab brought to the front reports its frames visible again after IntersectionObserver's
  // delay; until then the editor ignores its controls (as it does while covered).
  await new Promise((r) => setTimeout(r, 300));
  await frame.waitForFunction(() => !document.documentElement.classList.contains('hush-covered'), { timeout: 10_000 });
  // Focus and type without a mouse click: puppeteer's mouse inside an out-of-process frame leaves
  // the page's mouse state pressed, swallowing the next click on the page.
  for (const r of recipients) {
    await answered(
      frame.evaluate((acct: string) => {
        const input = document.querySelector('input.hush-add-recipient') as HTMLInputElement;
        input.focus();
        input.value = acct;
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      }, r),
      'adding a recipient in the secure editor',
    );
  }
  await answered(
    frame.evaluate((t: string) => {
      const area = document.querySelector('textarea.hush-editor') as HTMLTextAreaElement;
      area.focus();
      area.value = t;
      area.dispatchEvent(new Event('input', { bubbles: true }));
    }, body),
    'typing in the secure editor',
  );
  await frame
    .waitForFunction(
      (want: string[], t: string) => {
        const chips = [...document.querySelectorAll('.hush-chip__acct')].map((c) =>
          (c.textContent ?? '').toLowerCase(),
        );
        const budget = document.querySelector('.hush-budget')?.textContent ?? '';
        const area = document.querySelector<HTMLTextAreaElement>('textarea.hush-editor');
        return (
          want.every((w) => chips.some((c) => c === `@${w.toLowerCase()}` || c.startsWith(`@${w.toLowerCase()}@`))) &&
          budget !== '' &&
          area?.value === t
        );
      },
      { timeout: 15_000 },
      recipients,
      body,
    )
    .catch(async (e: unknown) => {
      const state = await bounded(
        frame.evaluate(() => ({
          chips: [...document.querySelectorAll('.hush-chip')].map((c) => c.textContent),
          budget: document.querySelector('.hush-budget')?.textContent,
          covered: document.documentElement.classList.contains('hush-covered'),
          problem: document.querySelector('.hush-problem')?.textContent,
        })),
        'unreadable',
      );
      throw new Error(`${String(e)}: the editor shows ${JSON.stringify(state)}, wanted ${JSON.stringify(recipients)}`);
    });
  // The draft request after the last keystroke has been answered (the editor re-renders its status).
  await new Promise((r) => setTimeout(r, 400));
}

/**
 * Sends from inside the secure editor (a keyboard activation of its Send button: trusted, and in
 * the frame the page cannot reach), then waits until the editor is done or reports a problem.
 * Returns the editor's last phase ('sent' when the background confirmed the post).
 */
export async function sendSecure(page: Page, timeoutMs = 60_000): Promise<string> {
  const frame = await editorFrame(page);
  const element = await page.$('.hush-editor-host iframe');
  await frame.waitForSelector('button.hush-send:not([disabled])', { timeout: 15_000 });
  await answered(frame.focus('button.hush-send'), 'focusing Send');
  await page.keyboard.press('Enter');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Done when THIS editor is gone (a fresh one may open for the next message).
    if (element === null || !(await element.evaluate((e) => e.isConnected).catch(() => false))) return 'sent';
    const phase = await bounded(
      frame.evaluate(() => document.getElementById('hush-frame')?.dataset.phase ?? ''),
      '',
    );
    if (phase === 'failed') return phase;
    if (Date.now() > deadline)
      throw new Error(`the editor did not finish sending in ${timeoutMs} ms (phase: ${phase})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The secure editor's text, from a frame looked up afresh on each try (each read bounded: see shownMessages). */
export async function editorText(page: Page, timeout = 15_000): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const frame = await editorFrame(page, Math.max(1, deadline - Date.now()));
    const value = await bounded(
      frame.$eval('textarea.hush-editor', (t) => t.value),
      null,
    );
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`the secure editor's text could not be read in ${timeout} ms`);
  }
}

/** The problem the editor shows (its kind), or '' while none. */
export async function editorProblem(page: Page): Promise<string> {
  const frame = await editorFrame(page);
  return answered(
    frame.evaluate(() => document.getElementById('hush-frame')?.dataset.problem ?? ''),
    "reading the editor's problem",
  );
}

/** Turns encryption off from inside the editor (the two-step control in the frame). */
export async function turnOffInEditor(page: Page): Promise<void> {
  const frame = await editorFrame(page);
  await answered(frame.focus('button.hush-off'), 'focusing Turn off');
  await page.keyboard.press('Enter');
  await frame.waitForSelector('button.hush-confirm__yes', { timeout: 10_000 });
  await answered(frame.focus('button.hush-confirm__yes'), 'focusing the confirmation');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.hush-editor-host iframe', { hidden: true, timeout: 15_000 });
}

type ViewRead = { badge: string; text: string; flags: string[]; context: string };
type ViewReadWithState = ViewRead & { state: string };
const noView: ViewReadWithState = { badge: '', text: '', flags: [], context: '', state: '' };

/**
 * Plaintexts shown by every decrypted secure view on the page, with their badges. The views are
 * read side by side and every read is bounded: under load Chromium leaves some puppeteer calls
 * into extension frames unanswered for good (page-decides-nothing timed out at 120 s that way,
 * while the background's log showed every view joined), so one stuck frame costs a few seconds
 * of this poll, never the test.
 */
export async function shownMessages(
  page: Page,
): Promise<{ statusId: string; badge: string; text: string; flags: string[]; context: string }[]> {
  const handles = await bounded(page.$$('.hush-view'), []);
  const read = async (handle: (typeof handles)[number]): Promise<({ statusId: string } & ViewRead) | null> => {
    const statusId = await bounded(
      handle.evaluate((e) => (e as HTMLElement).dataset.hushFor ?? ''),
      null,
    );
    const frameHandle = statusId === null ? null : await bounded(handle.$('iframe'), null);
    const frame = frameHandle ? await bounded(frameHandle.contentFrame(), null) : null;
    if (statusId === null || !frame) return null;
    let got = await readView(frame);
    // A view that says what it is (a failure it shows, say) was read: only a blank read is retried.
    const blank = (g: ViewReadWithState): boolean => g.badge === '' && g.text === '' && g.state === '';
    // In Chromium, contentFrame() of an out-of-process extension frame can stay on the initial
    // about:blank document (seen once in CI: one view read as empty for 30 s). Then look for the
    // view's frame among the page's frames instead; only as a fallback, as page.frames() does not
    // list every extension frame in every browser.
    if (blank(got)) got = (await bounded(viewByFrameList(page, statusId), undefined)) ?? got;
    // Seen in Chromium with many frames loading at once: a view that drew (its host says so) whose
    // puppeteer Frame never answers evaluate(). Its CDP target still does: ask it directly.
    if (
      blank(got) &&
      (await bounded(
        handle.evaluate((e) => e.hasAttribute('data-hush-rendered')),
        false,
      ))
    ) {
      got = (await bounded(viewByTarget(page, frame), undefined)) ?? got;
    }
    return { statusId, badge: got.badge, text: got.text, flags: got.flags, context: got.context };
  };
  return (await Promise.all(handles.map(read))).filter((v): v is { statusId: string } & ViewRead => v !== null);
}

/** What `work` (a puppeteer call into a frame) gives, or an error naming `what` when it gives nothing in `ms`: a failure to retry, not a hang. */
export async function answered<T>(work: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what}: no answer in ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Settles within `ms` with `fallback` if `work` does not: a frame that is being replaced while we
 * read it can leave a puppeteer call pending for good, and one stuck read must not hang a test;
 * the callers poll again.
 */
export async function bounded<T, F>(work: Promise<T>, fallback: F, ms = 3_000): Promise<T | F> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => {
      resolve(fallback);
    }, ms);
  });
  try {
    return await Promise.race([work.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a view frame shows; runs inside the frame (through puppeteer, or as CDP expression text). */
const viewContent = (): { badge: string; text: string; flags: string[]; context: string; state: string } => ({
  state: document.getElementById('hush-frame')?.dataset.state ?? '',
  badge: document.querySelector('.hush-badge')?.getAttribute('data-kind') ?? '',
  text: document.querySelector('.hush-plaintext')?.textContent ?? '',
  flags: [...document.querySelectorAll('.hush-flags li')].map((li) => (li as HTMLElement).dataset.flag ?? ''),
  context: document.querySelector('.hush-reply-context')?.textContent ?? '',
});

async function readView(frame: Frame): Promise<ViewReadWithState> {
  return bounded(frame.evaluate(viewContent), noView);
}

/** Reads a view through a fresh CDP session on its frame's target (an OOPIF's target id is its frame id; Chromium only). */
async function viewByTarget(page: Page, frame: Frame): Promise<ViewReadWithState | undefined> {
  const frameId = (frame as unknown as { _id?: string })._id;
  const target = page
    .browser()
    .targets()
    .find((t) => (t as unknown as { _targetId?: string })._targetId === frameId);
  if (frameId === undefined || target === undefined) return undefined;
  const session = await target.createCDPSession();
  try {
    const res = await session.send('Runtime.evaluate', {
      expression: `JSON.stringify((${viewContent.toString()})())`,
      returnByValue: true,
    });
    const value: unknown = res.result.value;
    return typeof value === 'string' ? (JSON.parse(value) as ViewReadWithState) : undefined;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

async function viewByFrameList(page: Page, statusId: string): Promise<ViewReadWithState | undefined> {
  for (const frame of page.frames()) {
    if (frame.detached || !frame.url().includes('/frames/view.html')) continue;
    try {
      const element = await frame.frameElement();
      const owner = (await element?.evaluate((e) => e.parentElement?.dataset.hushFor ?? '')) ?? '';
      if (owner === statusId) return await readView(frame);
    } catch {
      // Detached or navigating while we looked: read it on the next poll.
    }
  }
  return undefined;
}

/**
 * What the page's DOM says of each view host (state from view-open, whether the frame reported its
 * size, i.e. drew): tells a view that never drew apart from one the test could not read.
 */
async function viewHosts(page: Page): Promise<unknown> {
  return bounded(
    page.$$eval('.hush-view', (hosts) =>
      hosts.map((h) => {
        const e = h as HTMLElement;
        return {
          statusId: e.dataset.hushFor,
          rendered: e.hasAttribute('data-hush-rendered'),
          frames: e.querySelectorAll('iframe').length,
        };
      }),
    ),
    'unreadable',
  );
}

/** Waits until some secure view shows `text`. */
export async function waitForPlaintext(
  page: Page,
  text: string,
  timeoutMs = 30_000,
): Promise<{ statusId: string; badge: string; text: string; flags: string[]; context: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await shownMessages(page)).find((m) => m.text.includes(text));
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(
        `no secure view shows "${text.slice(0, 40)}": ${JSON.stringify(await shownMessages(page))}; hosts: ${JSON.stringify(await viewHosts(page))}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Clicks a Hush control in the page. Chromium hosts extension frames out of process; once such a
 * frame has focus, puppeteer's synthetic mouse reaches the page only as far as pointerdown (no
 * mousedown/click; a real mouse is not affected, Firefox is not either), so there the button is
 * focused and activated with Enter: still a trusted event, as Hush accepts no page-made clicks.
 */
export async function clickHush(page: Page, selector: string, kind: 'chromium' | 'firefox'): Promise<void> {
  if (kind === 'firefox') {
    await page.click(selector);
    return;
  }
  // A trusted activation (Hush ignores page-made clicks): focus the button, press Enter.
  await page.$eval(selector, (el) => (el as HTMLElement).focus());
  await page.keyboard.press('Enter');
}

/**
 * A person's click at page point (x, y): the pointer travels there from `from` in small steps at
 * about 60 events a second, slowing down at the end, rests a moment on the target and clicks.
 * Hush's input guard (src/frames/input-guard.ts) refuses clicks on a frame that moved or just
 * appeared under the pointer; an ordinary pointing movement like this one must pass first time.
 */
export async function personClick(
  page: Page,
  from: { x: number; y: number },
  to: { x: number; y: number },
  ms = 450,
): Promise<void> {
  const steps = Math.max(4, Math.round(ms / 16));
  await page.mouse.move(from.x, from.y);
  for (let i = 1; i <= steps; i++) {
    const f = 1 - (1 - i / steps) ** 2;
    await page.mouse.move(from.x + (to.x - from.x) * f, from.y + (to.y - from.y) * f);
    await new Promise((r) => setTimeout(r, 16));
  }
  await new Promise((r) => setTimeout(r, 120));
  await page.mouse.click(to.x, to.y);
}

/**
 * Independent review (attacker: the page). Clickjacking and focus attacks on the secure editor
 * that the occlusion check (IntersectionObserver v2) does not see, because the editor is neither
 * covered nor faded when the user's input lands in it: the page MOVES it under the pointer, or
 * MOVES THE FOCUS into it, between the user's intent and the user's input. Each test asserts the
 * secure behaviour (nothing is posted, the draft stays), so each FAILS while the attack works.
 *
 * The attacker's code runs in the page's main world (page.evaluate), as the instance's own
 * JavaScript would. Where it needs the position of a control inside the editor frame, the test
 * reads it from the frame: the extension's layout is public (the attacker has the same build and
 * sets the frame's size and style itself), so this only stands in for the attacker's offline work.
 */
import type { Frame } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDb } from '../instance/web/test-support';
import { browserKinds } from '../browser/launch';
import { chooseDirect, editorFrame, personClick, turnOffInEditor, typeSecure } from '../browser/overlay-support';
import { nodeParty } from './node-party';
import { startWorld, stopWorld, type World } from './support';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.each(browserKinds())("review: the page moves the editor or the focus under the user's input (%s)", (kind) => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld(kind, null);
    await nodeParty(w.a, 'carol');
  });
  afterAll(async () => {
    await stopWorld(w);
  });

  const freshCompose = async (): Promise<void> => {
    await w.bob.page.goto(`${w.b.origin}/home`);
    await w.bob.page.waitForSelector('form.compose-form');
  };
  const mentionsOf = (statusId: string): string[] =>
    queryDb(
      w.b.dbPath,
      'SELECT a.username, a.domain FROM mentions m JOIN accounts a ON a.id = m.account_id WHERE m.status_id = ?',
      [statusId],
    ).map((r) => `${String(r.username)}@${typeof r.domain === 'string' ? r.domain : 'b.test'}`);
  const newStatuses = (before: Set<string>): string[] =>
    queryDb(w.b.dbPath, 'SELECT id FROM statuses')
      .map((r) => String(r.id))
      .filter((id) => !before.has(id));
  const statusIds = (): Set<string> => new Set(queryDb(w.b.dbPath, 'SELECT id FROM statuses').map((r) => String(r.id)));

  /** Centre of `selector` inside the editor frame, relative to the frame's top-left corner. */
  const inFrame = async (editor: Frame, selector: string): Promise<{ x: number; y: number }> =>
    editor.$eval(selector, (e) => {
      const r = e.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });

  /** The page's move: the editor frame, at its own size, placed so that `offset` lies under the point (px, py). */
  const moveEditorUnder = async (
    offset: { x: number; y: number },
    px: number,
    py: number,
    extra: Record<string, string> = {},
  ): Promise<void> => {
    await w.bob.page.evaluate(
      (o: { x: number; y: number }, x: number, y: number, more: Record<string, string>) => {
        const f = document.querySelector<HTMLIFrameElement>('.hush-editor-host iframe');
        if (!f) throw new Error('no editor frame');
        const r = f.getBoundingClientRect();
        Object.assign(
          f.style,
          {
            position: 'fixed',
            left: `${x - o.x}px`,
            top: `${y - o.y}px`,
            width: `${r.width}px`,
            height: `${r.height}px`,
            zIndex: '2147483647',
            margin: '0',
          },
          more,
        );
      },
      offset,
      px,
      py,
      extra,
    );
  };

  /** A bait the page draws: "double-click to like". Its first press makes the page act (`act`). */
  const bait = async (): Promise<{ x: number; y: number }> =>
    w.bob.page.evaluate(() => {
      const b = document.createElement('button');
      b.id = 'page-bait';
      b.textContent = '♥ Double-click to like';
      Object.assign(b.style, {
        position: 'fixed',
        left: '700px',
        top: '400px',
        width: '220px',
        height: '60px',
        zIndex: '1000',
      });
      document.body.append(b);
      b.addEventListener('pointerdown', () => {
        const g = window as unknown as { __baitDown?: number };
        g.__baitDown = (g.__baitDown ?? 0) + 1;
      });
      const r = b.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });

  const halfDraft = async (): Promise<string> => {
    await freshCompose();
    await chooseDirect(w.bob.page);
    await w.bob.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]');
    const kept = `half written, do not send yet ${Math.random().toString(36).slice(2)}`;
    await typeSecure(w.bob.page, `@alice@a.test ${kept}`);
    return kept;
  };

  it('triple-click bait: the page moves the (visible, uncovered) editor under the pointer; the 2nd click lands on the focus note, the 3rd on Send; nothing may be sent', async () => {
    const kept = await halfDraft();
    const editor = await editorFrame(w.bob.page);
    await editor.waitForSelector('button.hush-send:not([disabled])');
    await editor.evaluate(() => {
      const g = window as unknown as { __seen: string[] };
      g.__seen = [];
      window.addEventListener('click', (e) => g.__seen.push((e.target as Element).className), true);
    });
    const at = await bait();
    // The user's focus is on the page (reading, about to like a post): the editor shows its
    // "focus left" note over its foot (and over Send).
    await w.bob.page.focus('#page-bait');
    await editor.waitForSelector('.hush-focus-note:not([hidden])', { timeout: 5000 });
    const before = statusIds();
    // Click 1 lands on the bait. The page reacts by moving the editor so that the note is under
    // the pointer: click 2 dismisses it (and gives the editor the focus back).
    await w.bob.page.mouse.click(at.x, at.y);
    await moveEditorUnder(await inFrame(editor, '.hush-focus-note'), at.x, at.y);
    await sleep(150);
    await w.bob.page.mouse.click(at.x, at.y);
    await editor.waitForSelector('.hush-focus-note[hidden]', { timeout: 5000 }).catch(() => null);
    // Click 3: the page has moved Send under the pointer. The frame is fully visible and on top.
    await moveEditorUnder(await inFrame(editor, 'button.hush-send'), at.x, at.y);
    await sleep(150);
    await w.bob.page.mouse.click(at.x, at.y);
    await sleep(4000);
    await w.b.deliveriesSettled();
    const posted = newStatuses(before);
    let seen: string[] = ['editor gone (closed after sending)'];
    try {
      seen = await editor.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
    } catch {
      // The editor frame was removed: Hush closed it after publishing.
    }
    console.log(
      `[review] triple-click move: posted ${posted.length} status(es); clicks in the editor: ${JSON.stringify(seen)}`,
    );
    expect(posted, `half-written draft "${kept}" was published by clicks the page moved the editor under`).toEqual([]);
  });

  it('HELD (kept as a regression test): focus injection: the user presses Ctrl+Enter in a page field; the page moves the keyboard focus into the editor between Ctrl and Enter; nothing may be sent', async () => {
    const kept = await halfDraft();
    const editor = await editorFrame(w.bob.page);
    await editor.waitForSelector('button.hush-send:not([disabled])');
    // The page: a field of its own (a quick reply box, a search...). When Ctrl goes down in it,
    // the keyboard focus moves into the secure editor (whose textarea is its focused element).
    await w.bob.page.evaluate(() => {
      const i = document.createElement('textarea');
      i.id = 'page-field';
      Object.assign(i.style, {
        position: 'fixed',
        left: '700px',
        top: '300px',
        width: '300px',
        height: '60px',
        zIndex: '1000',
      });
      document.body.append(i);
      i.addEventListener('keydown', (e) => {
        if (e.key === 'Control' || e.key === 'Meta')
          document.querySelector<HTMLIFrameElement>('.hush-editor-host iframe')?.focus();
      });
    });
    await w.bob.page.focus('#page-field');
    const before = statusIds();
    await w.bob.page.keyboard.type('ok, posting my public reply');
    await w.bob.page.keyboard.down('Control');
    await sleep(120);
    await w.bob.page.keyboard.press('Enter');
    await w.bob.page.keyboard.up('Control');
    await sleep(4000);
    await w.b.deliveriesSettled();
    const posted = newStatuses(before);
    let phase = 'editor gone (closed after sending)';
    try {
      phase = await editor.evaluate(() => document.getElementById('hush-frame')?.dataset.phase ?? '');
    } catch {
      // The editor frame was removed: Hush closed it after publishing.
    }
    console.log(`[review] focus injection: posted ${posted.length} status(es); editor phase ${phase}`);
    expect(posted, `half-written draft "${kept}" was published by a page-moved focus`).toEqual([]);
  });

  it('keyboard: Enter on a focused Send is a keyboard activation the page cannot make or redirect; a person who tabs to Send and presses Enter sends', async () => {
    const kept = await halfDraft();
    const editor = await editorFrame(w.bob.page);
    await editor.waitForSelector('button.hush-send:not([disabled])');
    // The user had tabbed to Send, then went on in the page (a field of the page's own). The page
    // (a) makes keyboard events of its own at the frame, and (b) when the user presses Shift in its
    // field (typing a capital, just before Enter), hands the keyboard focus back to the editor frame,
    // whose focused element is still Send.
    await editor.focus('button.hush-send');
    await w.bob.page.evaluate(() => {
      const i = document.createElement('textarea');
      i.id = 'page-field';
      Object.assign(i.style, {
        position: 'fixed',
        left: '700px',
        top: '300px',
        width: '300px',
        height: '60px',
        zIndex: '1000',
      });
      document.body.append(i);
      i.addEventListener('keydown', (e) => {
        if (e.key === 'Shift') document.querySelector<HTMLIFrameElement>('.hush-editor-host iframe')?.focus();
      });
    });
    await w.bob.page.focus('#page-field');
    const before = statusIds();
    await w.bob.page.evaluate(() => {
      const f = document.querySelector<HTMLIFrameElement>('.hush-editor-host iframe');
      f?.focus();
      for (const t of [f, f?.parentElement, document.activeElement, document.body])
        for (const type of ['keydown', 'keypress', 'keyup'])
          t?.dispatchEvent(new KeyboardEvent(type, { key: 'Enter', code: 'Enter', keyCode: 13, bubbles: true }));
      f?.dispatchEvent(new MouseEvent('click', { bubbles: true, detail: 0 }));
      try {
        f?.contentWindow?.document.querySelector('button')?.click();
      } catch {
        // cross-origin: the page cannot reach the frame's document
      }
    });
    await w.bob.page.focus('#page-field');
    await w.bob.page.keyboard.type('see you at ');
    await w.bob.page.keyboard.down('Shift');
    await sleep(120);
    await w.bob.page.keyboard.up('Shift');
    const focus = await editor.evaluate(() => [document.hasFocus(), document.activeElement?.className ?? '']);
    console.log(`[review] after the page's focus move the editor has ${JSON.stringify(focus)}`);
    await w.bob.page.keyboard.press('Enter');
    await sleep(4000);
    await w.b.deliveriesSettled();
    const posted = newStatuses(before);
    console.log(`[review] keyboard focus injection on Send: posted ${posted.length} status(es)`);
    expect(posted, `half-written draft "${kept}" was published by page-made keys or a page-moved focus`).toEqual([]);
    // Not a trap: the person tabs to Send (from the editor's text) and presses Enter: sent at once.
    await editor.focus('textarea.hush-editor');
    await sleep(600);
    await editor.focus('button.hush-send');
    await w.bob.page.keyboard.press('Enter');
    for (let i = 0; newStatuses(before).length === 0; i++) {
      if (i > 100) throw new Error('a keyboard Send by the person was not sent');
      await sleep(200);
    }
    expect(mentionsOf(newStatuses(before)[0] ?? '')).toEqual(['alice@a.test']);
  });

  it('rapid clicks: the page moves a page-suggested handle, then its confirmation, then Send under the pointer; carol must not become a recipient', async () => {
    await freshCompose();
    // The page seeds Mastodon's box with a handle of its choosing before the editor opens.
    await w.bob.page.evaluate(() => {
      const t = document.querySelector<HTMLTextAreaElement>('form.compose-form textarea');
      if (!t) throw new Error('no textarea');
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(t, '@carol@a.test ');
      t.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await chooseDirect(w.bob.page);
    await w.bob.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]');
    const kept = `for alice only ${Math.random().toString(36).slice(2)}`;
    await typeSecure(w.bob.page, `@alice@a.test ${kept}`);
    const editor = await editorFrame(w.bob.page);
    await editor.waitForSelector('button.hush-suggestion');
    const at = await bait();
    const before = statusIds();
    await w.bob.page.focus('#page-bait');
    await w.bob.page.mouse.click(at.x, at.y); // the bait ("click the heart as fast as you can")
    // Click 2: the suggestion "+ @carol@a.test" (opens the in-frame confirmation).
    await moveEditorUnder(await inFrame(editor, 'button.hush-suggestion'), at.x, at.y);
    await sleep(150);
    await w.bob.page.mouse.click(at.x, at.y);
    await editor.waitForSelector('button.hush-confirm__yes', { timeout: 5000 }).catch(() => null);
    // Click 3: the confirmation's "Add".
    const yes = await editor.$('button.hush-confirm__yes');
    if (yes !== null) {
      await moveEditorUnder(await inFrame(editor, 'button.hush-confirm__yes'), at.x, at.y);
      await sleep(150);
      await w.bob.page.mouse.click(at.x, at.y);
    }
    await sleep(800);
    const chips = await editor.$$eval('.hush-chip__acct', (cs) => cs.map((c) => c.textContent ?? ''));
    console.log(`[review] rapid clicks: recipients now ${JSON.stringify(chips)}`);
    // Click 4: Send (now naming alice and carol).
    await editor.waitForSelector('button.hush-send:not([disabled])', { timeout: 5000 }).catch(() => null);
    await moveEditorUnder(await inFrame(editor, 'button.hush-send'), at.x, at.y);
    await sleep(150);
    await w.bob.page.mouse.click(at.x, at.y);
    await sleep(4000);
    await w.b.deliveriesSettled();
    const posted = newStatuses(before);
    const mentioned = posted.flatMap(mentionsOf);
    console.log(`[review] rapid clicks: posted ${posted.length}, mentioned ${JSON.stringify(mentioned)}`);
    expect(chips.map((c) => c.toLowerCase())).not.toContain('@carol@a.test');
    expect(mentioned).not.toContain('carol@a.test');
    if (posted.length === 0) await turnOffInEditor(w.bob.page).catch(() => undefined);
  });

  it('HELD (kept as a regression test): a transparent editor clipped by one pixel, under a double-click decoy: nothing may be sent', async () => {
    const kept = await halfDraft();
    const editor = await editorFrame(w.bob.page);
    await editor.waitForSelector('button.hush-send:not([disabled])');
    const send = await inFrame(editor, 'button.hush-send');
    const at = await bait();
    // The editor, invisible (opacity 0) and cut by one pixel at its top edge (so
    // IntersectionObserver reports a ratio under 0.999 and the editor counts itself as visible),
    // lies over the bait with its Send button under it.
    await w.bob.page.evaluate(
      (o: { x: number; y: number }, x: number, y: number) => {
        const f = document.querySelector<HTMLIFrameElement>('.hush-editor-host iframe');
        if (!f) throw new Error('no editor');
        const r = f.getBoundingClientRect();
        const clip = document.createElement('div');
        clip.id = 'page-clip';
        Object.assign(clip.style, {
          position: 'fixed',
          left: `${x - o.x}px`,
          top: `${y - o.y + 1}px`,
          width: `${r.width}px`,
          height: `${r.height - 1}px`,
          overflow: 'hidden',
          zIndex: '2147483647',
          opacity: '0',
        });
        Object.assign(f.style, {
          position: 'absolute',
          left: '0px',
          top: '-1px',
          width: `${r.width}px`,
          height: `${r.height}px`,
          margin: '0',
        });
        document.body.append(clip);
        clip.append(f); // moving it reloads it; the content script re-offers the session
      },
      send,
      at.x,
      at.y,
    );
    let again: Frame | null = null;
    for (let i = 0; i < 75 && again === null; i++) {
      const f = await (await w.bob.page.$('#page-clip iframe'))?.contentFrame();
      if (f && (await f.$('button.hush-send:not([disabled])').catch(() => null)) !== null) again = f;
      else await sleep(200);
    }
    if (again === null) throw new Error('the moved editor did not come back');
    await sleep(600);
    const covered = await again.evaluate(() => document.documentElement.classList.contains('hush-covered'));
    const before = statusIds();
    // The user double-clicks the bait ("double-click to like"): both clicks go to the invisible editor.
    await w.bob.page.mouse.click(at.x, at.y);
    await sleep(150);
    await w.bob.page.mouse.click(at.x, at.y);
    await sleep(4000);
    await w.b.deliveriesSettled();
    const posted = newStatuses(before);
    console.log(
      `[review] transparent + 1px clip: covered=${String(covered)}, posted ${posted.length}; draft was "${kept}"`,
    );
    expect(posted).toEqual([]);
  });
  /** Where `selector` in the editor frame is on the page. */
  const onPage = async (editor: Frame, selector: string): Promise<{ x: number; y: number; right: number }> => {
    const o = await inFrame(editor, selector);
    const box = await w.bob.page.$eval('.hush-editor-host iframe', (f) => {
      const r = f.getBoundingClientRect();
      return { left: r.left + f.clientLeft, top: r.top + f.clientTop, right: r.right };
    });
    return { x: box.left + o.x, y: box.top + o.y, right: box.right };
  };

  it('not a trap (added with the input guard): a person moves the pointer from the page onto Send in steps and clicks; sent at the first click', async () => {
    const kept = await halfDraft();
    const editor = await editorFrame(w.bob.page);
    await editor.waitForSelector('button.hush-send:not([disabled])');
    const send = await onPage(editor, 'button.hush-send');
    const before = statusIds();
    // From the page's middle column, 300 px right of the editor, onto Send.
    await personClick(w.bob.page, { x: send.right + 300, y: send.y - 120 }, send);
    let phase = 'editor gone (closed after sending)';
    let note: string | null = null;
    for (let i = 0; i < 40 && newStatuses(before).length === 0; i++) await sleep(250);
    try {
      phase = await editor.evaluate(() => document.getElementById('hush-frame')?.dataset.phase ?? '');
      note = await editor.evaluate(() => {
        const n = document.querySelector<HTMLElement>('.hush-guard-note');
        return n === null || n.hidden ? null : n.textContent;
      });
    } catch {
      // Closed after sending.
    }
    await w.b.deliveriesSettled();
    console.log(
      `[guard] ${kind} person click on Send: posted ${newStatuses(before).length}, phase ${phase}, note ${String(note)}`,
    );
    expect(note).toBeNull();
    expect(newStatuses(before).length, `"${kept}" was not sent by an ordinary click`).toBeGreaterThan(0);
  });

  it('a click on Send right after the page moved the editor under the pointer is refused with a note saying why; holding still, the next click sends', async () => {
    await halfDraft();
    const editor = await editorFrame(w.bob.page);
    await editor.waitForSelector('button.hush-send:not([disabled])');
    const at = await bait();
    await w.bob.page.mouse.move(at.x, at.y);
    const before = statusIds();
    await moveEditorUnder(await inFrame(editor, 'button.hush-send'), at.x, at.y);
    await sleep(150);
    await w.bob.page.mouse.click(at.x, at.y);
    const note = await editor.waitForSelector('.hush-guard-note:not([hidden])', { timeout: 5000 });
    const said = await note?.evaluate((n) => ({ text: n.textContent, refusal: (n as HTMLElement).dataset.refusal }));
    await sleep(1500);
    expect(newStatuses(before)).toEqual([]);
    expect(said?.refusal).toMatch(/^(moved|entered)$/);
    expect(said?.text).toContain('click again');
    // The user reads the note, holds still, clicks again: the frame has stood still, so it counts.
    await sleep(700);
    await w.bob.page.mouse.click(at.x, at.y);
    for (let i = 0; i < 40 && newStatuses(before).length === 0; i++) await sleep(250);
    await w.b.deliveriesSettled();
    console.log(
      `[guard] ${kind} refused then held: note ${JSON.stringify(said)}, posted ${newStatuses(before).length}`,
    );
    expect(newStatuses(before).length).toBeGreaterThan(0);
  });

  it('after the page scrolls, a person who moves onto Send and clicks sends at the first click', async () => {
    await halfDraft();
    const editor = await editorFrame(w.bob.page);
    await editor.waitForSelector('button.hush-send:not([disabled])');
    // Make the page scrollable and scroll it with the pointer resting over the editor (a wheel
    // turn): the frame moves under the pointer, as in an attack, and then stands still.
    await w.bob.page.evaluate(() => {
      const f = document.querySelector<HTMLIFrameElement>('.hush-editor-host iframe');
      if (!f) throw new Error('no editor frame');
      const r = f.getBoundingClientRect();
      const spacer = document.createElement('div');
      spacer.style.height = '3000px';
      document.body.append(spacer);
      Object.assign(f.style, {
        position: 'absolute',
        left: `${r.left + window.scrollX}px`,
        top: `${r.top + window.scrollY + 200}px`,
        width: `${r.width}px`,
        height: `${r.height}px`,
        zIndex: '2147483647',
        margin: '0',
      });
      document.documentElement.style.overflow = 'auto';
      document.body.style.overflow = 'visible';
    });
    const first = await onPage(editor, 'textarea.hush-editor');
    await w.bob.page.mouse.move(first.x, first.y);
    await w.bob.page.evaluate(() => window.scrollBy(0, 120));
    await sleep(300);
    const send = await onPage(editor, 'button.hush-send');
    const before = statusIds();
    await personClick(w.bob.page, { x: first.x, y: first.y }, send);
    for (let i = 0; i < 40 && newStatuses(before).length === 0; i++) await sleep(250);
    let note: string | null = null;
    try {
      note = await editor.evaluate(() => {
        const n = document.querySelector<HTMLElement>('.hush-guard-note');
        return n === null || n.hidden ? null : n.textContent;
      });
    } catch {
      // Closed after sending.
    }
    await w.b.deliveriesSettled();
    console.log(`[guard] ${kind} after scroll: posted ${newStatuses(before).length}, note ${String(note)}`);
    expect(newStatuses(before).length).toBeGreaterThan(0);
  });
});

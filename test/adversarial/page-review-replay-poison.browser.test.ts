/**
 * Independent review (attacker: the page), end to end in Chromium: the page draws alice's new
 * message for a moment under a status id it invents (it relabels the status's `data-id`), then
 * gives the status its real id back. Hush keeps the invented id as the message's own, and the
 * genuine status reads "replayed" from then on (also after a reload). No status is created,
 * replayed or edited on any server. Unit-level twin: page-review-replay-poison.test.ts.
 *
 * Secure behaviour asserted: the genuine status shows no "replayed" flag. Failed before the
 * fix (the reader now asks the user's instance before calling the first id the original).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserKinds } from '../browser/launch';
import { shownMessages, waitForPlaintext } from '../browser/overlay-support';
import { encryptTo, postThread, publishedKey } from './node-party';
import { startWorld, stopWorld, type World } from './support';
import type { RecipientKey } from '../../src/protocol/index';

describe.each(browserKinds())('review: the page picks which status id is the original (%s)', (browserName) => {
  let w: World;
  let bobKey: RecipientKey;

  beforeAll(async () => {
    w = await startWorld(browserName, null);
    bobKey = await publishedKey(w.b, 'bob@b.test');
  });
  afterAll(async () => {
    await stopWorld(w);
  });

  it('a new message drawn for a moment under an invented data-id: the genuine status must not read "replayed"', async () => {
    await w.bob.page.goto(`${w.b.origin}/home`);
    await w.bob.page.waitForSelector('form.compose-form');
    // The page: every Hush status that arrives from now on is drawn under an invented id for 3 s.
    await w.bob.page.evaluate(() => {
      const known = new Set([...document.querySelectorAll<HTMLElement>('.status[data-id]')].map((s) => s.dataset.id));
      const g = window as unknown as { __relabelled: string[] };
      g.__relabelled = [];
      new MutationObserver(() => {
        for (const st of document.querySelectorAll<HTMLElement>('.status[data-id]')) {
          const id = st.dataset.id ?? '';
          if (known.has(id) || !(st.textContent ?? '').includes('[Hush encrypted message]')) continue;
          known.add(id);
          const fake = `9${id}`;
          known.add(fake);
          st.dataset.id = fake;
          g.__relabelled.push(id);
          setTimeout(() => {
            st.dataset.id = id;
            // Any DOM change makes Hush look again (its observer does not watch attributes).
            const nudge = document.createElement('span');
            st.append(nudge);
            setTimeout(() => nudge.remove(), 100);
          }, 3000);
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    const text = `meet at six ${Math.random().toString(36).slice(2)}`;
    const [statusId] = await postThread(w.alice, encryptTo(w.alice, [{ acct: 'bob@b.test', key: bobKey }], text));
    // First the page's invented id shows it (clean); then the real status, once relabelled back.
    await waitForPlaintext(w.bob.page, text, 60_000);
    let genuine: Awaited<ReturnType<typeof shownMessages>>[number] | undefined;
    for (let i = 0; i < 160 && genuine === undefined; i++) {
      genuine = (await shownMessages(w.bob.page)).find((m) => m.text.includes(text) && !m.statusId.startsWith('9'));
      if (genuine === undefined) await new Promise((r) => setTimeout(r, 250));
    }
    const relabelled = await w.bob.page.evaluate(() => (window as unknown as { __relabelled: string[] }).__relabelled);
    console.log(
      `[review] relabelled ${JSON.stringify(relabelled)}; alice's status ${String(statusId)} shows ${JSON.stringify(genuine)}`,
    );
    expect(genuine?.badge).toBe('verified');
    expect(genuine?.flags ?? []).not.toContain('replayed');
    // A reload (the page no longer plays any trick): the genuine status still must not be "replayed".
    await w.bob.page.reload();
    const after = await waitForPlaintext(w.bob.page, text, 60_000);
    console.log(`[review] after reload: ${JSON.stringify(after)}`);
    expect(after.flags).not.toContain('replayed');
  });
});

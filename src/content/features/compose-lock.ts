/**
 * compose-lock: the lock control in a direct-mode compose form, the secure editor laid over the
 * textarea while it is on, and publishing. Plaintext never enters this script: the editor frame
 * sends its draft to the background; we receive only finished status texts (mentions +
 * ciphertext), write each into Mastodon's textarea (§2.6) and let Mastodon's own submit run.
 * Fail closed: on any problem nothing is written and the user is told why and what to do.
 */
import { send } from '../../messaging/client';
import type { EncryptReply } from '../../messaging/overlay-messages';
import type { ComposeParts, MastodonAdapter } from '../adapters/adapter';
import { msg, secureFrame, setControlledValue, sleep, styleOf, waitFor } from '../dom';
import { problemsView } from './compose-problems';

export interface ComposeDeps {
  readonly adapter: MastodonAdapter;
  readonly marker: string;
  readonly maxChars: number;
  /** The status id whose Reply button was clicked last (the in-reply-to id is not in the DOM, §2.5). */
  readonly replyTarget: () => string | null;
}

const LOCKED = 'hush-locked';

export class ComposeController {
  private on = false;
  private wasDirect = false;
  private session: string | null = null;
  private posting = false;
  private pending: { statuses: readonly string[]; next: number; ids: string[] } | null = null;
  private readonly bar: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly budget: HTMLElement;
  private readonly post: HTMLButtonElement;
  private readonly problem: HTMLElement;
  private readonly cwNote: HTMLElement;
  private readonly host: HTMLElement;

  constructor(private parts: ComposeParts, private readonly deps: ComposeDeps) {
    this.bar = document.createElement('div');
    this.bar.className = 'hush-lock-bar';
    this.toggle = document.createElement('button');
    this.toggle.type = 'button';
    this.toggle.className = 'hush-lock-toggle';
    // Only the user's own clicks count: the page can dispatch clicks (isTrusted false) on our controls.
    this.toggle.addEventListener('click', (e) => {
      if (e.isTrusted) void (this.on ? this.turnOff(true) : this.turnOn());
    });
    this.budget = document.createElement('span');
    this.budget.className = 'hush-budget';
    this.budget.setAttribute('aria-live', 'polite');
    this.post = document.createElement('button');
    this.post.type = 'button';
    this.post.className = 'hush-post button';
    this.post.textContent = msg('composePostEncrypted');
    this.post.addEventListener('click', (e) => {
      if (e.isTrusted) void this.publish();
    });
    // Keep focus where it is: the form re-lays itself out on focus changes, which can move the
    // button between mousedown and mouseup and swallow the click.
    this.post.addEventListener('mousedown', (e) => e.preventDefault());
    this.problem = document.createElement('div');
    this.problem.className = 'hush-compose-problem';
    this.problem.setAttribute('role', 'alert');
    // Mastodon's content-warning field stays in the page and is posted as is: say so while it is used.
    this.cwNote = document.createElement('p');
    this.cwNote.className = 'hush-cw-note';
    this.cwNote.textContent = msg('composeCwNotEncrypted');
    this.cwNote.hidden = true;
    this.bar.append(this.toggle, this.budget, this.post, this.cwNote, this.problem);
    this.host = document.createElement('div');
    this.host.className = 'hush-editor-host';
    this.render();
  }

  get form(): HTMLFormElement {
    return this.parts.form;
  }

  get locked(): boolean {
    return this.on;
  }

  get sessionId(): string | null {
    return this.session;
  }

  get isPosting(): boolean {
    return this.posting;
  }

  /** Called on every DOM change batch: follows visibility and keeps our nodes in place. */
  update(parts: ComposeParts): void {
    this.parts = parts;
    const direct = this.deps.adapter.isDirect(parts.form);
    if (direct && !this.wasDirect && !this.on && !this.posting) void this.decideDefault();
    this.wasDirect = direct;
    const visible = direct || this.on;
    const anchor = this.deps.adapter.lockBarAnchor(parts);
    if (visible && this.bar.nextElementSibling !== anchor) anchor.before(this.bar);
    if (!visible && this.bar.isConnected) this.bar.remove();
    if (this.on && this.host.parentElement !== parts.wrapper) parts.wrapper.append(this.host);
    parts.form.classList.toggle(LOCKED, this.on);
    const cw = parts.form.querySelector<HTMLInputElement>('input#cw-spoiler-input');
    this.cwNote.hidden = !this.on || cw === null || cw.disabled || cw.value.trim() === '';
  }

  /**
   * Encryption on by default when the account and every recipient are ready (unless the user
   * turned "default encryption" off in the options), and always for replies to Hush messages:
   * answering an encrypted message in plaintext would leak what it was about, whatever the pref.
   */
  private async decideDefault(): Promise<void> {
    const mentions = [...this.parts.textarea.value.matchAll(/(?:^|\s)@([\w.-]+(?:@[\w.-]+)?)/g)].map((m) => m[1] ?? '').filter(Boolean);
    const replyTo = this.parts.replying ? this.deps.replyTarget() : null;
    const check = await send('overlay/compose-check', { recipients: mentions.slice(0, 50), replyToStatusId: replyTo });
    if (!check.ok) return this.say(msg('composeUnavailable'));
    const c = check.value;
    if (c.account !== 'ready') return this.say(msg(c.account === 'locked' ? 'composeAccountLocked' : 'composeAccountNotEnabled'));
    // The decision is visible on the bar (tests and styles can tell "not decided yet" from "off").
    const decided = c.replyEncrypted ? 'reply' : !c.encryptByDefault ? 'pref-off' : c.recipients.every((r) => r.state === 'ready') ? 'ready' : 'missing-keys';
    this.bar.dataset.hushDefault = decided;
    if (decided === 'reply' || decided === 'ready') await this.turnOn();
    else if (decided === 'missing-keys') this.say(msg('composeSomeWithoutKey'));
  }

  async turnOn(): Promise<void> {
    if (this.on) return;
    const opened = await send('frame/open', { kind: 'editor' });
    if (!opened.ok) return this.say(msg('composeUnavailable'));
    const session = opened.value.session;
    const { textarea } = this.parts;
    const seeded = await send('overlay/editor-seed', {
      session,
      text: textarea.value.slice(0, 2000),
      replyToStatusId: this.parts.replying ? this.deps.replyTarget() : null,
      maxChars: this.deps.maxChars,
      style: styleOf(textarea),
      placeholder: (textarea.getAttribute('placeholder') ?? '').slice(0, 200),
    });
    if (!seeded.ok) return this.say(msg('composeUnavailable'));
    // What was typed so far now lives in the editor; the page keeps nothing.
    if (textarea.value !== '') setControlledValue(textarea, '');
    this.session = session;
    this.on = true;
    this.post.disabled = true; // until the background reports a non-empty draft
    this.host.replaceChildren(secureFrame('frames/editor.html', session, msg('editorFrameTitle')));
    this.say('');
    this.render();
    this.update(this.parts);
  }

  /** Turning encryption off discards the secure draft (it never goes to the page). */
  async turnOff(ask: boolean): Promise<void> {
    if (!this.on || this.posting) return;
    if (ask && !window.confirm(msg('composeConfirmOff'))) return;
    if (this.session !== null) await send('overlay/editor-close', { session: this.session });
    this.session = null;
    this.on = false;
    this.pending = null;
    this.host.replaceChildren();
    this.host.remove();
    this.render();
    this.update(this.parts);
  }

  onStatus(remaining: number, parts: number, allReady: boolean, empty: boolean): void {
    this.budget.textContent = parts > 1 ? msg('composeBudgetParts', [String(remaining), String(parts)]) : msg('composeBudget', String(remaining));
    this.budget.classList.toggle('hush-budget--warn', !allReady && !empty);
    this.post.disabled = empty || parts === 0;
  }

  /** Post / Ctrl+Enter while on: encrypt in the background, then let Mastodon post each status. */
  async publish(): Promise<void> {
    if (!this.on || this.posting || this.session === null) return;
    if (!this.deps.adapter.isDirect(this.form)) return this.say(msg('composeNotDirect'));
    if (this.pending === null) {
      this.bar.dataset.hushPhase = 'encrypting';
      // A content warning shares the status's character limit with the text (§2.3).
      const cw = this.form.querySelector<HTMLInputElement>('input#cw-spoiler-input:not([disabled])');
      const reserveChars = cw === null ? 0 : Array.from(cw.value).length; // code points, as the web UI counts (an upper bound on graphemes)
      const enc = await send('overlay/compose-encrypt', { session: this.session, reserveChars });
      delete this.bar.dataset.hushPhase;
      if (!enc.ok) return this.say(msg('composeUnavailable'));
      if (!enc.value.ok) return this.showProblems(enc.value);
      this.pending = { statuses: enc.value.statuses, next: 0, ids: [] };
    }
    this.posting = true;
    this.bar.dataset.hushPosting = 'true';
    this.say(msg('composePosting'));
    try {
      await this.postPending();
    } finally {
      this.posting = false;
      delete this.bar.dataset.hushPosting;
    }
  }

  /** Posts the remaining statuses in order; each later one as a reply to the one before (a thread). */
  private async postPending(): Promise<void> {
    const p = this.pending;
    if (p === null) return;
    const total = p.statuses.length;
    while (p.next < total) {
      const i = p.next;
      const text = p.statuses[i] ?? '';
      if (i > 0) {
        const prev = await waitFor(() => this.findPosted(p.statuses[i - 1] ?? ''), 20_000);
        const reply = prev === null ? null : this.deps.adapter.replyButton(prev.container);
        if (prev === null || reply === null) return this.say(msg('composePartial', [String(i), String(total)]), true);
        reply.click();
        if ((await waitFor(() => (this.form.querySelector('.reply-indicator') ? true : null), 5000)) === null) return this.say(msg('composePartial', [String(i), String(total)]), true);
      }
      // Fail closed: Mastodon resets visibility after each post; a reply to a direct post is direct again.
      if (!this.deps.adapter.isDirect(this.form)) return this.say(msg('composeNotDirect'), i > 0);
      const textarea = this.form.querySelector<HTMLTextAreaElement>('textarea.autosuggest-textarea__textarea');
      const submit = this.form.querySelector<HTMLButtonElement>('button[type="submit"]');
      if (textarea === null || submit === null) return this.say(msg('composeUnavailable'), i > 0);
      setControlledValue(textarea, text);
      await sleep(50); // let React commit the new text before its submit handler reads it
      // Fail closed if the page rewrote what we wrote (e.g. retargeted the mentions): post nothing.
      if (textarea.value !== text) {
        setControlledValue(textarea, '');
        return this.say(msg('composeTampered'), i > 0);
      }
      submit.click();
      // Mastodon clears the form after the API answered 200 (COMPOSE_SUBMIT_SUCCESS, §2.7).
      const cleared = await waitFor(() => (textarea.isConnected && textarea.value === '' ? true : null), 20_000);
      if (cleared === null) {
        // Still our ciphertext in the box (an error alert, a 422): take it back out, keep the draft.
        if (textarea.value === text) setControlledValue(textarea, '');
        return this.say(msg('composeNotConfirmed'), i > 0);
      }
      p.next = i + 1;
      const found = await waitFor(() => this.findPosted(text), i + 1 < total ? 20_000 : 3000);
      if (found !== null) p.ids.push(found.statusId);
    }
    if (this.session !== null) await send('overlay/compose-posted', { session: this.session, statusIds: p.ids });
    this.session = null;
    this.pending = null;
    this.on = false;
    this.host.replaceChildren();
    this.host.remove();
    this.say(msg('composePosted'));
    this.render();
    this.update(this.parts);
  }

  /** Our just-posted status in the page (own direct posts arrive through streaming, §2.7). */
  private findPosted(statusText: string): { statusId: string; container: HTMLElement } | null {
    const at = statusText.indexOf(this.deps.marker);
    const tail = statusText.slice(Math.max(at, statusText.length - 48));
    const found = this.deps.adapter.statuses(document, this.deps.marker).find((s) => s.context === 'status' && s.text.includes(tail));
    return found === undefined ? null : { statusId: found.statusId, container: found.container };
  }

  private showProblems(reply: Extract<EncryptReply, { ok: false }>): void {
    this.problem.replaceChildren(problemsView(reply, (invitation) => void this.sendInvitation(invitation)));
  }

  /** The explicit, separate action to send unencrypted: only the ready-made invitation, into the page's box. */
  private async sendInvitation(invitation: string): Promise<void> {
    await this.turnOff(false);
    setControlledValue(this.parts.textarea, invitation);
    this.parts.textarea.focus();
    this.say(msg('composeInvitationReady'));
  }

  private say(text: string, resumable = false): void {
    this.problem.replaceChildren();
    if (text === '') return;
    const p = document.createElement('p');
    p.textContent = text;
    this.problem.append(p);
    if (resumable) {
      const retry = document.createElement('button');
      retry.type = 'button';
      retry.className = 'hush-link';
      retry.textContent = msg('composeRetry');
      retry.addEventListener('click', (e) => {
        if (e.isTrusted) void this.publish();
      });
      this.problem.append(retry);
    }
  }

  private render(): void {
    this.bar.dataset.hushLock = this.on ? 'on' : 'off';
    this.toggle.setAttribute('aria-pressed', String(this.on));
    this.toggle.textContent = this.on ? `🔒 ${msg('composeLockOn')}` : `🔓 ${msg('composeLockOff')}`;
    this.toggle.title = this.on ? msg('composeLockOnHint') : msg('composeLockOffHint');
    this.post.hidden = !this.on;
    this.budget.hidden = !this.on;
  }
}

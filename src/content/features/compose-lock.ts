/**
 * compose-lock: the secure editor in a direct-mode compose form. Since issue #15 this is a thin
 * host: the page decides nothing. The editor frame shows the recipients, the reply, the text and
 * the Send and Turn-off controls; the background publishes. This script only
 * - opens an editor (automatically for a reply to a Hush message or when every mentioned
 *   recipient is ready, or when the user presses "Encrypt"), handing the background Mastodon's
 *   box as a SEED (its mentions become suggestions the user confirms inside the editor);
 * - hides Mastodon's textarea, counter and Post button while the editor is open, and blocks every
 *   submit path of the form (submit-guard.ts);
 * - resets Mastodon's form when the background says the message was sent (or discarded).
 * Nothing a control here does can send, pick a recipient or turn encryption off.
 */
import { mentionsIn, parseHandle } from '../../messaging/handle';
import { send } from '../../messaging/client';
import type { ComposeParts, MastodonAdapter } from '../adapters/adapter';
import { secureFrame, setControlledValue, styleOf } from '../dom';
import { t } from '../../messaging/i18n';
import { selectors } from '../mastodon/selectors';
import { hushClass } from '../hush-nodes';

export interface ComposeDeps {
  readonly adapter: MastodonAdapter;
  readonly maxChars: number;
  /** The status id whose Reply button the user clicked last (the in-reply-to id is not in the DOM, mastodon-ui.md §2.5). */
  readonly replyTarget: () => string | null;
}

const LOCKED = hushClass.locked;

export class ComposeController {
  private on = false;
  private opening = false;
  private disposed = false;
  private wasDirect = false;
  private session: string | null = null;
  private frame: HTMLIFrameElement | null = null;
  private readonly bar: HTMLElement;
  private readonly open: HTMLButtonElement;
  private readonly note: HTMLElement;
  private readonly cwNote: HTMLElement;
  private readonly host: HTMLElement;

  constructor(
    private parts: ComposeParts,
    private readonly deps: ComposeDeps,
  ) {
    this.bar = document.createElement('div');
    this.bar.className = hushClass.lockBar;
    this.open = document.createElement('button');
    this.open.type = 'button';
    this.open.className = 'hush-lock-toggle';
    // A page control may only OPEN the editor (issue #15, invariant 3); a click the page made is ignored.
    this.open.addEventListener('click', (e) => {
      if (!e.isTrusted) return;
      if (this.on) this.focusEditor();
      else void this.turnOn();
    });
    this.note = document.createElement('span');
    this.note.className = 'hush-compose-note';
    this.note.setAttribute('role', 'status');
    // Mastodon's content-warning field stays in the page and is NOT sent with an encrypted message.
    this.cwNote = document.createElement('p');
    this.cwNote.className = 'hush-cw-note';
    this.cwNote.textContent = t('composeCwNotSent');
    this.cwNote.hidden = true;
    this.bar.append(this.open, this.note, this.cwNote);
    this.host = document.createElement('div');
    this.host.className = hushClass.editorHost;
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

  /** Called on every DOM change batch: follows visibility and keeps our nodes in place. */
  update(parts: ComposeParts): void {
    if (this.disposed) return;
    this.parts = parts;
    const direct = this.deps.adapter.isDirect(parts.form);
    if (direct && !this.wasDirect && !this.on) void this.decideDefault();
    this.wasDirect = direct;
    const visible = direct || this.on;
    const anchor = this.deps.adapter.lockBarAnchor(parts);
    if (visible && this.bar.nextElementSibling !== anchor) anchor.before(this.bar);
    if (!visible && this.bar.isConnected) this.bar.remove();
    if (this.on && this.host.parentElement !== parts.wrapper) parts.wrapper.append(this.host);
    parts.form.classList.toggle(LOCKED, this.on);
    const cw = parts.form.querySelector<HTMLInputElement>(selectors.composeCwInput);
    this.cwNote.hidden = !this.on || cw === null || cw.disabled || cw.value.trim() === '';
  }

  /**
   * Encrypted by default when the account is ready (unless the user turned "default encryption"
   * off), and always for replies to Hush messages: answering an encrypted message in plaintext
   * would leak what it was about.
   */
  private async decideDefault(): Promise<void> {
    const replyTo = this.parts.replying ? this.deps.replyTarget() : null;
    const check = await send('overlay/compose-check', { replyToStatusId: replyTo });
    if (this.disposed) return;
    if (!check.ok) return this.say(t('composeUnavailable'));
    const c = check.value;
    if (c.account !== 'ready')
      return this.say(t(c.account === 'locked' ? 'composeAccountLocked' : 'composeAccountNotEnabled'));
    // From public facts only (the page can read this attribute): the recipients' states are shown
    // inside the editor, never decided here.
    const decided = c.replyEncrypted ? 'reply' : c.encryptByDefault ? 'ready' : 'pref-off';
    this.bar.dataset.hushDefault = decided;
    if (decided !== 'pref-off') await this.turnOn();
  }

  async turnOn(): Promise<void> {
    if (this.on || this.opening) return;
    this.opening = true;
    try {
      const { textarea } = this.parts;
      const opened = await send('overlay/editor-open', {
        replyToStatusId: this.parts.replying ? this.deps.replyTarget() : null,
        seedMentions: mentionsOf(textarea.value),
        seedText: textarea.value.slice(0, 5000),
        maxChars: this.deps.maxChars,
        style: styleOf(textarea),
      });
      if (this.disposed) return;
      if (!opened.ok) return this.say(t('composeUnavailable'));
      // What was typed so far is offered in the editor (never inserted by itself); the page keeps nothing.
      if (textarea.value !== '') setControlledValue(textarea, '');
      this.session = opened.value.session;
      this.on = true;
      this.frame = secureFrame(
        'frames/editor.html',
        opened.value.session,
        opened.value.offer,
        t('editorFrameTitle'),
        async (s) => {
          const r = await send('frame/reoffer', { session: s });
          return r.ok ? r.value.offer : null;
        },
      );
      this.host.replaceChildren(this.frame);
      this.say('');
      this.render();
      this.update(this.parts);
    } finally {
      this.opening = false;
    }
  }

  /**
   * Takes back what this controller added (the bar, the editor host and its frame, the form's
   * class); nothing it does later touches the page (content/root.ts teardown).
   */
  dispose(): void {
    this.disposed = true;
    this.on = false;
    this.session = null;
    this.frame = null;
    this.host.replaceChildren();
    this.host.remove();
    this.bar.remove();
    this.parts.form.classList.remove(LOCKED);
  }

  /** Puts the keyboard into the editor (the page's own submit paths end here while it is open). */
  focusEditor(): void {
    this.frame?.focus();
  }

  /** The background confirmed the message was published (sent) or the user discarded it in the editor. */
  done(sent: boolean): void {
    this.close();
    if (!sent) return this.say(t('composeEncryptionOff'));
    this.say(t('composePosted'));
    // Mastodon's own post resets the form; ours leaves it in direct mode: the next message there
    // starts encrypted again, as a new direct message would.
    this.wasDirect = false;
    // Reset Mastodon's form as after its own post: empty box, no reply; /publish goes back.
    setControlledValue(this.parts.textarea, '');
    this.deps.adapter.replyCancel(this.parts)?.click();
    // As Mastodon: back only from a /publish the app navigated to (it set history.state); one
    // loaded directly stays where it is.
    if (location.pathname.startsWith('/publish') && history.state !== null && history.state !== undefined)
      history.back();
  }

  /** The user chose to send the ready-made, unencrypted invitation instead: into Mastodon's box. */
  invite(text: string): void {
    this.close();
    setControlledValue(this.parts.textarea, text);
    this.parts.textarea.focus();
    this.say(t('composeInvitationReady'));
  }

  private close(): void {
    this.session = null;
    this.on = false;
    this.frame = null;
    this.host.replaceChildren();
    this.host.remove();
    this.render();
    this.update(this.parts);
  }

  private say(text: string): void {
    this.note.textContent = text;
  }

  private render(): void {
    this.bar.dataset.hushLock = this.on ? 'on' : 'off';
    this.open.textContent = this.on ? `🔒 ${t('composeLockOn')}` : `🔓 ${t('composeEncrypt')}`;
    this.open.title = this.on ? t('composeLockOnHint') : t('composeLockOffHint');
  }
}

/** Handles Mastodon's box mentions (seeds only: suggestions inside the editor). */
function mentionsOf(text: string): string[] {
  return mentionsIn(text, 50).filter((m) => parseHandle(m, 'home.invalid') !== null);
}

/**
 * Secure editor: where the user writes, chooses recipients and sends, out of the page's reach
 * (issue #15). It shows, under the user's phrase watermark:
 * - the final recipient list: full handles with their verification state, the ones from the
 *   answered message's signed envelope and the ones added here; handles Mastodon's box mentioned
 *   are suggestions with an Add button, never recipients by themselves;
 * - the message answered (from its signed envelope);
 * - the text, the room left, Send (click or Ctrl/Cmd+Enter) and Turn off.
 * The draft and recipients go to the background only. Losing focus shows at once, so text typed
 * after the page stole the focus is not lost unnoticed.
 */
import { t } from '../../messaging/i18n';
import { send } from '../../messaging/client';
import type {
  ComposeStatus,
  EditorState,
  RecipientView,
  SendProblem,
  SendProgress,
} from '../../messaging/overlay-messages';
import { frameRoot, joinSession } from '../common';
import { drawCue, phraseChip, watchVisibility } from '../cue';
import { applyStyle } from '../style';
import { formatTime } from '../format';
import { guarded, watchPointer } from '../input-guard';
import { recipientLabel } from '../view-text';

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

/** A short state for a recipient Hush still encrypts to but warns about ('' when none). */
function recipientWarning(r: RecipientView): '' | 'no_longer_verified' | 'key_withdrawn' {
  if (r.state !== 'ready') return '';
  if (r.warning === 'key_withdrawn') return 'key_withdrawn';
  return r.wasVerified ? 'no_longer_verified' : '';
}

function problemText(p: SendProblem): string {
  switch (p.kind) {
    case 'account':
      return t(p.account === 'locked' ? 'composeAccountLocked' : 'composeAccountNotEnabled');
    case 'recipients':
      return t(
        'sendRecipients',
        p.recipients
          .filter((r) => r.state !== 'ready')
          .map((r) => `@${r.acct}`)
          .join(', '),
      );
    case 'empty':
      return t('sendEmpty');
    case 'no_recipients':
      return t('editorNoRecipients');
    case 'unconfirmed_suggestions':
      return t('editorNoRecipients');
    case 'unconfirmed_recipients':
      return t('editorNoRecipients');
    case 'too_long':
      return t('sendTooLong');
    case 'covered':
      return t('sendCovered');
    case 'no_token':
      return t('sendNoToken');
    case 'refused':
      return t('sendRefused', String(p.status));
    case 'network':
      return t('sendNetwork');
    case 'altered':
      return t(p.deleted ? 'sendAlteredDeleted' : 'sendAltered', p.what);
    case 'internal':
      return t('composeUnavailable');
  }
}

class Editor {
  private recipients: string[];
  private status: ComposeStatus;
  private sending = false;
  private readonly area = el('textarea', 'hush-editor');
  private readonly chips = el('ul', 'hush-recipients');
  private readonly add = el('input', 'hush-add-recipient');
  private readonly completions = el('ul', 'hush-completions');
  private readonly suggestions = el('div', 'hush-suggestions');
  private readonly budget = el('span', 'hush-budget');
  private readonly problem = el('div', 'hush-problem');
  /** Recipients that were verified and are not any more, or whose key was withdrawn: said in words, not only by a chip's colour. */
  private readonly trustWarning = el('div', 'hush-trust-warning');
  private readonly sendButton = el('button', 'hush-send');
  private readonly offButton = el('button', 'hush-off');
  private readonly focusNote = el('button', 'hush-focus-note');
  private isVisible: () => boolean = () => true;
  private syncTimer: ReturnType<typeof setTimeout> | undefined;
  private syncSeq = 0;
  private completeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly session: string,
    state: EditorState,
  ) {
    this.status = state.status;
    this.recipients = state.status.recipients.map((r) => r.acct);
    applyStyle(state.style);
    drawCue(root, state.phrase);
    const head = el('div', 'hush-editor-head');
    head.append(phraseChip(state.phrase), el('span', 'hush-editor-title', t('editorFrameTitle')));
    const to = el('div', 'hush-to');
    to.append(el('span', 'hush-to-label', t('editorTo')), this.chips, this.add);
    this.add.type = 'text';
    this.add.placeholder = t('editorAddRecipient');
    this.add.setAttribute('aria-label', t('editorAddRecipient'));
    this.add.autocomplete = 'off';
    this.add.spellcheck = false;
    this.completions.hidden = true;
    this.trustWarning.setAttribute('role', 'status');
    const parts: HTMLElement[] = [head, to, this.trustWarning, this.completions, this.suggestions];
    if (state.seed !== null) parts.push(this.seedBlock(state.seed));
    if (state.replyTo !== null) {
      const when = state.replyTo.createdAt === null ? '' : ` (${formatTime(state.replyTo.createdAt)})`;
      parts.push(
        el(
          'div',
          'hush-reply-context',
          // A known sender without a snippet: signed with a revoked key, its text not quoted.
          state.replyTo.sender !== null && state.replyTo.snippet === null
            ? t('editorReplyingToHidden', [state.replyTo.sender, when])
            : t('editorReplyingTo', [state.replyTo.sender ?? '?', `${state.replyTo.snippet ?? ''}${when}`]),
        ),
      );
    }
    this.area.value = state.text;
    // Hush's own placeholder: text the page chose never appears inside the secure editor.
    this.area.placeholder = t('editorPlaceholder');
    this.area.setAttribute('aria-label', t('editorLabel'));
    this.area.spellcheck = true;
    const foot = el('div', 'hush-editor-foot');
    this.sendButton.type = 'button';
    this.sendButton.textContent = t('editorSend');
    this.sendButton.title = t('editorSendHint');
    this.offButton.type = 'button';
    this.offButton.textContent = t('editorTurnOff');
    this.budget.setAttribute('aria-live', 'polite');
    foot.append(this.budget, this.offButton, this.sendButton);
    this.problem.setAttribute('role', 'alert');
    this.focusNote.type = 'button';
    this.focusNote.textContent = t('editorFocusLost');
    this.focusNote.hidden = true;
    // Shown instead of everything else while the browser reports the frame covered (frame.css).
    const covered = el('div', 'hush-covered-note', t('editorCovered'));
    parts.push(this.area, foot, this.problem, this.focusNote, covered);
    root.replaceChildren(...parts);
    root.dataset.state = 'editing';
    this.wire();
    this.renderStatus();
    if (state.sending !== null) this.showProgress(state.sending);
    this.area.focus();
  }

  private wire(): void {
    this.area.addEventListener('input', () => this.scheduleSync());
    this.area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void this.send();
      }
    });
    // Every control that decides acts on a pointer click only if the frame stood still under the
    // pointer (input-guard.ts): the page cannot move it under the user's clicks on its own bait.
    guarded(this.sendButton, () => void this.send());
    guarded(this.offButton, () => this.confirmOff());
    this.add.addEventListener('input', () => {
      clearTimeout(this.completeTimer);
      this.completeTimer = setTimeout(() => void this.complete(), 150);
    });
    this.add.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ',' || e.key === ' ') {
        e.preventDefault();
        this.addRecipient(this.add.value);
      }
    });
    // Focus leaving the frame is shown at once: what is typed next would go to the page.
    // Focus taken while typing (within 2 s of a keystroke) keeps the note until the user reads
    // it: a page that steals one keystroke and gives the focus back cannot make it a mere flash.
    let lastKey = 0;
    let stolenWhileTyping = false;
    this.area.addEventListener('keydown', () => {
      lastKey = Date.now();
    });
    window.addEventListener('blur', () => {
      stolenWhileTyping ||= Date.now() - lastKey < 2000;
      this.focusNote.textContent = t(stolenWhileTyping ? 'editorFocusStolen' : 'editorFocusLost');
      this.focusNote.hidden = false;
      this.root.classList.add('hush-unfocused');
    });
    window.addEventListener('focus', () => {
      this.root.classList.remove('hush-unfocused');
      if (!stolenWhileTyping) this.focusNote.hidden = true;
    });
    this.focusNote.addEventListener('click', () => {
      stolenWhileTyping = false;
      this.focusNote.hidden = true;
      this.area.focus();
    });
    // Not `strict`: Chromium reports a frame clipped by a scrolling column as not visible, and a
    // false "covered" would block sending in ordinary layouts (the watermark stays the defence there).
    this.isVisible = watchVisibility(document.documentElement, (visible) =>
      document.documentElement.classList.toggle('hush-covered', !visible),
    );
  }

  /** Mastodon's box as it was: shown whole, inserted only by an explicit click (the page wrote it). */
  private seedBlock(seed: string): HTMLElement {
    const block = el('div', 'hush-seed');
    block.append(el('span', 'hush-seed__label', t('editorSeedLabel')));
    const quote = el('blockquote', 'hush-seed__text', seed);
    const use = el('button', 'hush-seed__use', t('editorSeedUse'));
    use.type = 'button';
    guarded(use, () => {
      if (!this.isVisible()) return;
      this.area.setRangeText(seed, this.area.selectionStart, this.area.selectionEnd, 'end');
      block.remove();
      this.area.focus();
      this.scheduleSync();
    });
    const drop = el('button', 'hush-seed__drop', t('editorSeedDrop'));
    drop.type = 'button';
    drop.addEventListener('click', () => block.remove());
    block.append(quote, use, drop);
    return block;
  }

  /**
   * A handle Mastodon's box (the page) suggested becomes a recipient after a second click on a
   * confirmation that names it in full, drawn elsewhere in the frame: one clickjacked click is not enough.
   */
  private confirmSuggestion(acct: string): void {
    if (!this.isVisible()) return;
    this.confirm(t('editorConfirmSuggestion', acct), t('editorConfirmAdd'), t('editorCancel'), () => {
      this.problem.replaceChildren();
      this.addRecipient(acct);
    });
  }

  /**
   * A question in the problem line: "yes" counts only as a click on a control that appeared and
   * stood still under the pointer (input-guard.ts, fresh); "no" takes the focus and clears it.
   */
  private confirm(question: string, yesText: string, noText: string, onYes: () => void): void {
    const ask = el('div', 'hush-confirm');
    ask.append(el('p', 'hush-problem__text', question));
    const yes = el('button', 'hush-confirm__yes', yesText);
    yes.type = 'button';
    const no = el('button', 'hush-confirm__no', noText);
    no.type = 'button';
    guarded(yes, onYes, true);
    no.addEventListener('click', () => this.problem.replaceChildren());
    ask.append(yes, no);
    this.problem.replaceChildren(ask);
    no.focus();
  }

  private addRecipient(raw: string): void {
    if (!this.isVisible()) return;
    const acct = raw
      .trim()
      .replace(/^@/, '')
      .replace(/[,\s]+$/, '');
    this.add.value = '';
    this.completions.hidden = true;
    if (acct === '' || this.recipients.some((r) => r.toLowerCase() === acct.toLowerCase())) return;
    this.recipients.push(acct);
    void this.sync();
  }

  private removeRecipient(acct: string): void {
    if (!this.isVisible()) return;
    this.recipients = this.recipients.filter((r) => r !== acct);
    void this.sync();
  }

  private scheduleSync(): void {
    clearTimeout(this.syncTimer);
    this.syncTimer = setTimeout(() => void this.sync(), 150);
  }

  private async sync(): Promise<boolean> {
    clearTimeout(this.syncTimer);
    // Only the answer to the latest draft counts: an earlier answer arriving late must not bring
    // back an older recipient list (a handle added in between would silently vanish).
    const mine = ++this.syncSeq;
    const r = await send('overlay/editor-draft', {
      session: this.session,
      text: this.area.value,
      recipients: this.recipients,
    });
    if (mine !== this.syncSeq) return r.ok;
    if (!r.ok) {
      this.say(t('composeUnavailable'));
      return false;
    }
    this.status = r.value;
    this.recipients = r.value.recipients.map((x) => x.acct);
    this.renderStatus();
    return true;
  }

  private renderStatus(): void {
    const s = this.status;
    this.chips.replaceChildren(
      ...s.recipients.map((r) => {
        const li = el('li', 'hush-chip');
        li.dataset.state = r.state;
        li.dataset.trust = r.trust ?? 'none';
        li.dataset.source = r.source;
        if (r.warning !== null || r.wasVerified || r.state !== 'ready') li.classList.add('hush-chip--warn');
        const warn = recipientWarning(r);
        if (warn !== '') li.dataset.warning = warn;
        const name = el('span', 'hush-chip__acct', `@${r.acct}`);
        const state = el('span', 'hush-chip__state', recipientLabel(r));
        const remove = el('button', 'hush-chip__remove', '×');
        remove.type = 'button';
        remove.setAttribute('aria-label', t('editorRemoveRecipient', r.acct));
        guarded(remove, () => this.removeRecipient(r.acct));
        li.append(name, state, remove);
        return li;
      }),
    );
    // A verified contact that is no longer verified (its key changed and was accepted), or whose key
    // was withdrawn, is said in the editor itself, next to the recipients (issue #21, invariants 1 and 5).
    const warned = (kind: string) =>
      s.recipients
        .filter((r) => recipientWarning(r) === kind)
        .map((r) => `@${r.acct}`)
        .join(', ');
    const lines = (
      [
        ['no_longer_verified', 'editorWarnNoLongerVerified'],
        ['key_withdrawn', 'editorWarnKeyWithdrawn'],
      ] as const
    ).flatMap(([kind, key]) => {
      const who = warned(kind);
      if (who === '') return [];
      const p = el('p', 'hush-trust-warning__text', t(key, who));
      p.dataset.warning = kind;
      return [p];
    });
    this.trustWarning.replaceChildren(...lines);
    this.suggestions.replaceChildren();
    if (s.suggested.length > 0) {
      this.suggestions.append(el('span', 'hush-suggestions__label', t('editorSuggested')));
      for (const acct of s.suggested) {
        const b = el('button', 'hush-suggestion', `+ @${acct}`);
        b.type = 'button';
        guarded(b, () => this.confirmSuggestion(acct));
        this.suggestions.append(b);
      }
    }
    this.budget.textContent =
      s.parts > 1
        ? t('composeBudgetParts', [String(s.remaining), String(s.parts)])
        : t('composeBudget', String(s.remaining));
    const ready =
      s.account === 'ready' &&
      !s.empty &&
      s.parts > 0 &&
      s.recipients.length > 0 &&
      s.recipients.every((r) => r.state === 'ready');
    this.sendButton.disabled = this.sending || !ready;
    // The recipients again on the button itself: a page cropping the top cannot hide who gets it.
    // A recipient Hush warns about is named with its state there too: Send is where the decision is made.
    const named = (r: RecipientView) => {
      const warn = recipientWarning(r);
      return warn === ''
        ? `@${r.acct}`
        : t('editorSendToState', [
            `@${r.acct}`,
            t(warn === 'key_withdrawn' ? 'recipientShortKeyWithdrawn' : 'recipientShortNoLongerVerified'),
          ]);
    };
    this.sendButton.textContent =
      s.recipients.length === 0 ? t('editorSend') : t('editorSendTo', s.recipients.map(named).join(', '));
    this.root.dataset.ready = String(ready);
  }

  private async send(): Promise<void> {
    if (this.sending) return;
    // Set before any await: a double click or Ctrl+Enter plus a click sends once.
    this.sending = true;
    if (!(await this.sync())) {
      this.sending = false;
      return;
    }
    this.sendButton.disabled = true;
    this.say(t('composePosting'));
    this.root.dataset.phase = 'sending';
    const r = await send('overlay/editor-send', {
      session: this.session,
      visible: this.isVisible() && document.hasFocus(),
    });
    this.sending = false;
    if (!r.ok) {
      this.say(t('composeUnavailable'));
      this.renderStatus();
      return;
    }
    this.showProgress(r.value);
  }

  private showProgress(p: SendProgress): void {
    this.root.dataset.phase = p.phase;
    if (p.phase === 'sent') {
      this.say(t('editorSent', p.recipients.map((a) => `@${a}`).join(', ')));
      this.area.value = '';
      this.area.disabled = true;
      this.sendButton.disabled = true;
      return;
    }
    if (p.phase === 'sending') {
      this.say(t('editorSendingParts', [String(p.done), String(p.total)]));
      return;
    }
    this.problem.replaceChildren(el('p', 'hush-problem__text', problemText(p.problem)));
    if (p.done > 0)
      this.problem.append(el('p', 'hush-problem__text', t('composePartial', [String(p.done), String(p.total)])));
    if (p.problem.kind === 'recipients' && p.problem.invitation !== null) {
      const invite = el('button', 'hush-invite', t('editorSendInvitation'));
      invite.type = 'button';
      guarded(invite, () => this.isVisible() && void send('overlay/editor-invite', { session: this.session }), true);
      this.problem.append(invite);
    }
    this.root.dataset.problem = p.problem.kind;
    this.renderStatus();
  }

  private confirmOff(): void {
    if (!this.isVisible()) return;
    this.confirm(
      t('composeConfirmOff'),
      t('editorTurnOffConfirm'),
      t('editorKeepEncrypting'),
      () =>
        this.isVisible() &&
        void send('overlay/editor-discard', { session: this.session }).then((r) => {
          if (!r.ok) this.say(t('editorCannotDiscard'));
        }),
    );
  }

  /** Completions for the handle being added: pinned contacts first, look-alikes marked. */
  private async complete(): Promise<void> {
    const q = this.add.value.trim().replace(/^@/, '');
    if (q.length === 0) {
      this.completions.hidden = true;
      return;
    }
    const r = await send('overlay/mention-search', { session: this.session, query: q });
    if (!r.ok || r.value.accounts.length === 0) {
      this.completions.hidden = true;
      return;
    }
    this.completions.replaceChildren(
      ...r.value.accounts.map((a) => {
        const li = el('li', 'hush-completion');
        const b = el('button', 'hush-completion__pick');
        b.type = 'button';
        b.dataset.contact = String(a.contact);
        b.append(el('span', 'hush-completion__acct', `@${a.acct}`));
        if (a.contact) b.append(el('span', 'hush-completion__tag', t('completionContact')));
        else if (a.lookalikeOf !== null)
          b.append(
            el('span', 'hush-completion__tag hush-completion__tag--warn', t('completionLookalike', a.lookalikeOf)),
          );
        if (a.hasKey) b.append(el('span', 'hush-completion__tag', '🔒'));
        guarded(b, () => this.addRecipient(a.acct));
        li.append(b);
        return li;
      }),
    );
    this.completions.hidden = false;
  }

  private say(text: string): void {
    this.problem.replaceChildren(el('p', 'hush-problem__text', text));
  }
}

document.addEventListener('DOMContentLoaded', () => {
  watchPointer();
  const root = frameRoot();
  void joinSession(root, 'frameConnected', (offer) => send('overlay/editor-join', { offer })).then((joined) => {
    new Editor(root, joined.session, joined.state);
  });
});

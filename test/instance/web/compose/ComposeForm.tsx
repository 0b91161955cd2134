// form.compose-form in the hierarchy of each generation (reference sheet 2.2).
import { useEffect, useRef } from 'preact/hooks';
import type { JSX } from 'preact';
import { apiGet } from '../api';
import { generation } from '../app';
import { serverStore } from '../server';
import { useStore } from '../store';
import { Icon } from '../ui/Icon';
import { useRootListener } from '../ui/rootEvents';
import { AutosuggestTextarea } from './AutosuggestTextarea';
import { countedLength } from './counter';
import { ReplyIndicator, NavigationBar } from './ReplyIndicator';
import {
  cancelEdit,
  cancelReply,
  changeSpoilerText,
  changeText,
  composeMounted,
  composeStore,
  toggleSpoiler,
} from './state';
import { canSubmit, submitCompose } from './submit';
import { VisibilityButton } from './VisibilityControl';

const PLACEHOLDER = "What's on your mind?";

function Warning(props: { direct: boolean }): JSX.Element | null {
  if (!props.direct) return null;
  return (
    <div class="compose-form__warning">
      <span>Posts on Mastodon are not end-to-end encrypted. Do not share any sensitive information over Mastodon.</span>
    </div>
  );
}

export function ComposeForm(props: { onPublished?: () => void } = {}): JSX.Element {
  const gen = generation();
  const s = useStore(composeStore);
  const { maxCharacters } = useStore(serverStore);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const spoilerInput = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(composeMounted, []);

  /** handleSubmit: the "Grammarly" safety net re-reads the DOM value before submitting. */
  const submit = (): void => {
    const el = textarea.current;
    if (el && el.value !== composeStore.get().text) changeText(el.value);
    void submitCompose().then((ok) => {
      if (ok) props.onPublished?.();
    });
  };
  const onSubmit = (e: Event): void => {
    e.preventDefault();
    submit();
  };
  // Ctrl/Cmd+Enter calls the handler directly: no submit event fires (as in Mastodon).
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    }
  };

  // 4.5+ pasteLinkCompose: a lone pasted URL is looked up (resolve=true), except in direct mode.
  const onPaste = (e: ClipboardEvent): void => {
    const pasted = e.clipboardData?.getData('text').trim() ?? '';
    if (!/^https?:\/\/\S+$/.test(pasted) || composeStore.get().privacy === 'direct') return;
    void apiGet(`/api/v2/search?q=${encodeURIComponent(pasted)}&type=statuses&resolve=true&limit=2`, (v) => v);
  };

  // Delegated at #mastodon, as React does (see ui/rootEvents.ts).
  useRootListener('submit', form, onSubmit);
  useRootListener('input', spoilerInput, () => {
    if (spoilerInput.current) changeSpoilerText(spoilerInput.current.value);
  });
  useRootListener('keydown', spoilerInput, onKeyDown);

  const remaining = maxCharacters - countedLength(s.text, s.spoilerText, s.spoiler);
  const counter = (
    <span class={`character-counter${remaining < 0 ? ' character-counter--over' : ''}`}>{remaining}</span>
  );
  const label = s.editingId !== null ? 'Update' : s.inReplyTo ? 'Reply' : 'Post';
  const submitBtn = (
    <div class="compose-form__submit">
      <button
        type="submit"
        class={`button${gen.compactSubmit ? ' button--compact' : ''}${s.submitting ? ' loading' : ''}`}
        disabled={!canSubmit(s, maxCharacters)}
      >
        {label}
      </button>
    </div>
  );
  const dropdowns = (
    <div class="compose-form__dropdowns">
      <VisibilityButton />
      <div>
        <button type="button" class="dropdown-button" title="Change post language">
          <span class="dropdown-button__label">English</span>
        </button>
      </div>
    </div>
  );
  const spoiler = s.spoiler && (
    <div class="spoiler-input">
      <div class="spoiler-input__border" />
      <input
        ref={spoilerInput}
        id="cw-spoiler-input"
        class="spoiler-input__input"
        type="text"
        placeholder="Content warning (optional)"
        aria-label="Content warning (optional)"
        value={s.spoilerText}
        disabled={s.submitting}
      />
      <div class="spoiler-input__border" />
    </div>
  );
  const textareaEl = (
    <AutosuggestTextarea
      value={s.text}
      placeholder={PLACEHOLDER}
      className={gen.name === 'modern' ? 'compose-form__input' : undefined}
      focusDate={s.focusDate}
      disabled={s.submitting}
      textareaRef={textarea}
      onChange={changeText}
      onKeyDown={onKeyDown}
      onPaste={gen.name === 'modern' ? onPaste : undefined}
    />
  );
  const buttons = (
    <div class="compose-form__buttons">
      <button
        type="button"
        class={`icon-button${s.spoiler ? ' active' : ''}`}
        title={s.spoiler ? 'Remove content warning' : 'Add content warning'}
        aria-pressed={s.spoiler}
        onClick={toggleSpoiler}
      >
        <Icon id="warning" />
      </button>
      {counter}
    </div>
  );
  // 4.6+ only; preact's form typings do not list role=region, hence the index-typed spread.
  const region: Record<string, string> = gen.formRegion ? { role: 'region', 'aria-label': 'New Post' } : {};
  const editIndicator = s.editingId !== null && (
    <div class="edit-indicator">
      <div class="edit-indicator__header">
        <div class="edit-indicator__display-name">Editing</div>
        <div class="edit-indicator__cancel">
          <button type="button" class="icon-button" title="Cancel" aria-label="Cancel" onClick={cancelEdit}>
            <Icon id="times" />
          </button>
        </div>
      </div>
    </div>
  );
  const warning = <Warning direct={s.privacy === 'direct'} />;
  const error = s.error !== null && (
    <div class="compose-form__error" role="alert">
      {s.error}
    </div>
  );

  if (gen.name === 'modern') {
    return (
      <form class="compose-form" ref={form} {...region}>
        {s.inReplyTo && <ReplyIndicator status={s.inReplyTo} />}
        <NavigationBar onCancel={s.inReplyTo ? cancelReply : undefined} />
        {warning}
        <div class="compose-form__highlightable">
          {editIndicator}
          {dropdowns}
          {spoiler}
          {textareaEl}
          <div class="compose-form__footer">
            <div class="compose-form__actions">
              {buttons}
              {submitBtn}
            </div>
          </div>
        </div>
        {error}
      </form>
    );
  }
  return (
    <form class="compose-form" ref={form}>
      {s.inReplyTo && <ReplyIndicator status={s.inReplyTo} />}
      <NavigationBar onCancel={s.inReplyTo ? cancelReply : undefined} />
      {warning}
      <div class="compose-form__highlightable">
        <div class="compose-form__scrollable">
          {editIndicator}
          {spoiler}
          {textareaEl}
        </div>
        <div class="compose-form__footer">
          {dropdowns}
          <div class="compose-form__actions">
            {buttons}
            {submitBtn}
          </div>
        </div>
      </div>
      {error}
    </form>
  );
}

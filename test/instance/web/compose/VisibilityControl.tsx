// The visibility ("privacy") selector in both generations:
//  4.5+: button.dropdown-button opens the .visibility-modal (Dropdown + Save);
//  4.3-4.4: button.dropdown-button opens div.privacy-dropdown__dropdown > li.privacy-dropdown__option.
import { createPortal } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { generation } from '../app';
import { visibilityButtonLabel, type Generation } from '../generations';
import type { Visibility } from '../model';
import { useStore } from '../store';
import { Icon } from '../ui/Icon';
import { closeModal, openModal } from '../ui/modal';
import { changePrivacy, composeStore } from './state';

const ICON: Record<Visibility, string> = { public: 'globe', unlisted: 'unlock', private: 'lock', direct: 'at' };
const ALL: Visibility[] = ['public', 'unlisted', 'private', 'direct'];

function OptionList(props: {
  prefix: string;
  gen: Generation;
  current: Visibility;
  onPick: (v: Visibility) => void;
}): JSX.Element {
  const { prefix, gen } = props;
  return (
    <ul role="listbox">
      {ALL.map((v) => (
        <li
          key={v}
          role="option"
          tabIndex={0}
          data-index={v}
          aria-selected={v === props.current}
          class={`${prefix}__option${v === props.current ? ' active' : ''}`}
          onClick={() => props.onPick(v)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              props.onPick(v);
            }
          }}
        >
          <div class={`${prefix}__option__icon`}>
            <Icon id={ICON[v]} />
          </div>
          <div class={`${prefix}__option__content`}>
            <strong>{gen.visibilityShort[v]}</strong>
            {gen.visibilityLong[v]}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** 4.5+ features/ui/components/visibility_modal.tsx: choose, then Save applies it. */
function VisibilityModal(props: { current: Visibility }): JSX.Element {
  const gen = generation();
  const [value, setValue] = useState(props.current);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <div class="modal-root__modal dialog-modal visibility-modal">
      <div class="dialog-modal__header">
        <button
          type="button"
          class="dialog-modal__header__close icon-button"
          title="Close"
          aria-label="Close"
          onClick={closeModal}
        >
          <Icon id="times" />
        </button>
        <h1 class="dialog-modal__header__title">Visibility and interaction</h1>
      </div>
      <div class="dialog-modal__content">
        <div class="dialog-modal__content__description">
          <p>Control who can interact with this post.</p>
        </div>
        <div class="dialog-modal__content__form">
          <div class="visibility-dropdown">
            <label class="visibility-dropdown__label">Visibility</label>
            {/* components/dropdown: button (text + unfold icon) and a popover overlay with the list. */}
            <button
              ref={button}
              type="button"
              class={`visibility-dropdown__button${open ? ' active' : ''}`}
              aria-expanded={open}
              onClick={() => setOpen(!open)}
            >
              {gen.visibilityShort[value]}
              <span class="visibility-dropdown__icon">
                <Icon id="chevron-down" />
              </span>
            </button>
            {open && button.current && (
              <VisibilityOverlay
                anchor={button.current}
                gen={gen}
                current={value}
                onPick={(v) => {
                  setValue(v);
                  setOpen(false);
                }}
                onClose={() => setOpen(false)}
              />
            )}
          </div>
        </div>
        <div class="dialog-modal__content__actions">
          <button type="button" class="button button-secondary" onClick={closeModal}>
            Cancel
          </button>
          <button
            type="button"
            class="button"
            onClick={() => {
              changePrivacy(value);
              closeModal();
            }}
          >
            Save
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * 4.5+ components/dropdown's popover: NOT inside the modal but portalled to body, as observed on
 * the real UI: body > div.visibility-dropdown__overlay > div.dropdown-animation.visibility-dropdown__dropdown
 * > ul > li.visibility-dropdown__option[role=option][data-index]. Placed under its button; a click
 * elsewhere or Escape closes it.
 */
function VisibilityOverlay(props: {
  anchor: HTMLElement;
  gen: Generation;
  current: Visibility;
  onPick: (v: Visibility) => void;
  onClose: () => void;
}): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const outside = (e: MouseEvent): void => {
      if (e.target instanceof Node && !ref.current?.contains(e.target) && !props.anchor.contains(e.target))
        props.onClose();
    };
    const esc = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') props.onClose();
    };
    document.addEventListener('click', outside, true);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('click', outside, true);
      document.removeEventListener('keydown', esc);
    };
  }, [props.anchor, props.onClose]);
  const r = props.anchor.getBoundingClientRect();
  return createPortal(
    <div
      ref={ref}
      class="visibility-dropdown__overlay"
      style={{
        position: 'fixed',
        top: `${r.bottom + 4}px`,
        left: `${r.left}px`,
        minWidth: `${r.width}px`,
        zIndex: '10000',
      }}
    >
      <div class="dropdown-animation visibility-dropdown__dropdown">
        <OptionList prefix="visibility-dropdown" gen={props.gen} current={props.current} onPick={props.onPick} />
      </div>
    </div>,
    document.body,
  );
}

/** 4.3-4.4 PrivacyDropdown: a popover list, portalled to body like react-overlays does. */
function PrivacyDropdown(props: { anchor: HTMLElement; current: Visibility; onClose: () => void }): JSX.Element {
  const gen = generation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const outside = (e: MouseEvent): void => {
      if (e.target instanceof Node && !ref.current?.contains(e.target) && !props.anchor.contains(e.target))
        props.onClose();
    };
    const esc = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') props.onClose();
    };
    document.addEventListener('click', outside, true);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('click', outside, true);
      document.removeEventListener('keydown', esc);
    };
  }, [props]);
  const r = props.anchor.getBoundingClientRect();
  return createPortal(
    <div
      ref={ref}
      class="dropdown-animation privacy-dropdown__dropdown"
      style={{ position: 'fixed', top: `${r.bottom}px`, left: `${r.left}px`, zIndex: '100' }}
    >
      <OptionList
        prefix="privacy-dropdown"
        gen={gen}
        current={props.current}
        onPick={(v) => {
          changePrivacy(v);
          props.onClose();
        }}
      />
    </div>,
    document.body,
  );
}

export function VisibilityButton(): JSX.Element {
  const gen = generation();
  const { privacy } = useStore(composeStore);
  const [open, setOpen] = useState(false);
  const wrapper = useRef<HTMLDivElement>(null);
  const content = (
    <>
      <Icon id={ICON[privacy]} />
      <span class="dropdown-button__label">{visibilityButtonLabel(gen, privacy)}</span>
    </>
  );
  if (gen.visibilityControl === 'modal') {
    // 4.5+ visibility_button.tsx: a bare button directly in .compose-form__dropdowns.
    return (
      <button
        type="button"
        class="dropdown-button"
        title="Change post privacy"
        onClick={() => openModal(<VisibilityModal current={composeStore.get().privacy} />)}
      >
        {content}
      </button>
    );
  }
  return (
    <div ref={wrapper}>
      <button
        type="button"
        class={`dropdown-button${open ? ' active' : ''}`}
        title="Change post privacy"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {content}
      </button>
      {open && wrapper.current && (
        <PrivacyDropdown anchor={wrapper.current} current={privacy} onClose={() => setOpen(false)} />
      )}
    </div>
  );
}

// div.column with its header (column_header.jsx), the frame every route renders into.
import type { ComponentChildren, JSX } from 'preact';
import { Icon } from './Icon';

export function Column(props: {
  title: string;
  icon: string;
  label?: string;
  children: ComponentChildren;
}): JSX.Element {
  return (
    <div class="column" role="region" aria-label={props.label ?? props.title}>
      <div class="column-header__wrapper">
        <h1 class="column-header">
          <button type="button" class="column-header__title">
            <Icon id={props.icon} />
            {props.title}
          </button>
        </h1>
      </div>
      {props.children}
    </div>
  );
}

export function LoadingOrError(props: { error: string | null }): JSX.Element {
  return props.error === null ? (
    <div class="loading-indicator" role="progressbar">
      Loading…
    </div>
  ) : (
    <div class="error-column" role="alert">
      {props.error}
    </div>
  );
}

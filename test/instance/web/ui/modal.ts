// The modal slot of div.ui (Mastodon's ModalContainer): one modal at a time.
import type { ComponentChild } from 'preact';
import { createStore } from '../store';

export const modalStore = createStore<ComponentChild | null>(null);

export const openModal = (m: ComponentChild): void => modalStore.set(m);
export const closeModal = (): void => modalStore.set(null);

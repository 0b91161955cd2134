// div.modal-root: overlay + container holding the current modal (always inside div.ui).
import type { JSX } from 'preact';
import { useStore } from '../store';
import { closeModal, modalStore } from './modal';

export function ModalRoot(): JSX.Element {
  const modal = useStore(modalStore);
  if (modal === null) return <div class="modal-root" />;
  return (
    <div class="modal-root">
      <div class="modal-root__overlay" role="presentation" onClick={closeModal} />
      <div role="dialog" class="modal-root__container">
        {modal}
      </div>
    </div>
  );
}

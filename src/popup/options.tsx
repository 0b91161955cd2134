import { render } from 'preact';
import { applyDocumentLocale, t } from './i18n';
import { Options } from './views/options';

applyDocumentLocale();
document.title = t('optionsTitle');
const root = document.getElementById('app');
if (root) render(<Options />, root);

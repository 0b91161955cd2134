import { render } from 'preact';
import { App } from './app';
import { applyDocumentLocale } from './i18n';

applyDocumentLocale();
const root = document.getElementById('app');
if (root) render(<App />, root);

import { render } from 'preact';
import { applyDocumentLocale } from '../popup/i18n';
import { App } from './app';

performance.mark('hush-inbox:script');
applyDocumentLocale();
const root = document.getElementById('app');
if (root) render(<App />, root);

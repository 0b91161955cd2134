/** Secure message view: renders decrypted text (as text, never HTML) inside an extension-origin frame. */
import { frameRoot, joinSession } from '../common';

document.addEventListener('DOMContentLoaded', () => void joinSession(frameRoot(), 'frameConnected'));

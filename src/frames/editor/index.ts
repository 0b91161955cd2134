/** Secure editor: where the user types plaintext, out of the page's reach. */
import { frameRoot, joinSession } from '../common';

document.addEventListener('DOMContentLoaded', () => void joinSession(frameRoot(), 'frameConnected'));

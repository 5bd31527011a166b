// The script-tag build: the tag's data-* attributes are the options (data-api, data-idle,
// data-mouse, data-grace, data-debug, data-session-cookie), the API defaults to the script's own origin, and
// `window.dwell.stop()` is the only global.

import { doc, start } from './tracker.ts';

declare global {
  interface Window {
    dwell?: { stop: () => void };
  }
}

try {
  const script = doc.currentScript as HTMLScriptElement;
  // A second copy of the tag on one page must not count the page twice. (self is window, shorter.)
  self.dwell ||= { stop: start({ api: new URL(script.src).origin, ...script.dataset }) };
} catch {}

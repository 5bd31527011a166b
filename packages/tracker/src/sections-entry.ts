// The add-on's script (dist/public/dwell-sections.js), which dwell.js loads on pages that mark
// sections: it installs the hook dwell.js calls with each stretch of engaged time, once.

import { watchSections } from './sections.ts';

try {
  self.dwellSections ||= watchSections();
} catch {}

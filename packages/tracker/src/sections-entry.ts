// The add-on's module (dist/public/dwell-sections.js), which dwell.js imports on pages that mark
// sections: its credit function is what dwell.js calls with each stretch of engaged time.

import { watchSections } from './sections.ts';

export const credit = watchSections();

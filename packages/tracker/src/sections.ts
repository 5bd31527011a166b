// The sections add-on (issue #17, docs/tracker.md "Sections"): dwell.js loads it only on pages with
// an element marked data-dwell-section, and calls `window.dwellSections(beat, ms)` with every
// stretch of engaged time it credits; the add-on adds that time to the beat's `sections`, so sections ride in
// the beats the tracker already queues, stores and retries. Hidden or unfocused time is never
// engaged, so it reaches no section.

import {
  addSectionTime,
  MAX_NAME,
  MAX_SECTIONS,
  readingSections,
  type SectionTuple,
} from './section-time.ts';

const ATTRIBUTE = 'data-dwell-section';
const nameOf = (element: Element) => (element.getAttribute(ATTRIBUTE) || '').trim().slice(0, MAX_NAME);

/**
 * Watches the page's sections: an IntersectionObserver whose root is shrunk to the line at half the
 * viewport's height keeps the set of sections crossing it. Its callbacks run after the scroll
 * events of a frame, so when a scroll makes the tracker credit the time before it, the set still
 * says what was being read during that time. A MutationObserver notices sections added or removed
 * (a single-page app's new route); the first set after such a change is measured at once.
 */
export function watchSections(): (beat: { sections?: SectionTuple[] }, ms: number) => void {
  let sections: Element[] = [];
  const crossing = new Set<Element>();
  const line = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) crossing.add(entry.target);
        else crossing.delete(entry.target);
      }
    },
    { rootMargin: '-50% 0px -50% 0px' },
  );
  const scan = () => {
    const found = [...document.querySelectorAll(`[${ATTRIBUTE}]`)].filter(nameOf).slice(0, MAX_SECTIONS);
    if (found.length === sections.length && found.every((element, i) => element === sections[i])) return;
    line.disconnect();
    crossing.clear();
    sections = found;
    const middle = innerHeight / 2;
    for (const element of sections) {
      line.observe(element);
      const box = element.getBoundingClientRect();
      if (box.top <= middle && box.bottom >= middle) crossing.add(element);
    }
  };
  scan();
  new MutationObserver(scan).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: [ATTRIBUTE],
  });
  return (beat, ms) => {
    const reading = readingSections(sections.filter((element) => crossing.has(element)));
    // Positions count distinct names in page order (a name seen twice is one section), 0–63.
    const order = [...new Set(sections.map(nameOf))];
    const named = reading.map((element) => ({
      name: nameOf(element),
      position: order.indexOf(nameOf(element)),
    }));
    beat.sections = addSectionTime(beat.sections || [], named, ms);
  };
}

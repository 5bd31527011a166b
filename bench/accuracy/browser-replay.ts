// The cross-check of bench:accuracy's virtual page (BROWSER=n): replays visits in Debian's Chromium,
// time scaled down SCALE times (the server's interval and the tracker's cut-offs with it), against a
// real Dwell server, and returns the engaged time the server stored, projected back to real time.
// Input goes in as Playwright's real mouse and keyboard where the page can take it; a hidden tab,
// another app in front and the wheel are faked the way the browser tells a page (tracker-browser.ts).

import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  newContext,
  setFocused,
  setHidden,
  sleep,
  startSite,
  trackedPage,
} from '../../test/e2e/tracker-browser.ts';
import { startServer } from '../../test/helper.ts';
import type { Visit } from './readers.ts';

export const SCALE = 20;

/** A second of silence as a WAV data URL: the muted, looping media of the video visits. */
const SILENCE = (() => {
  const rate = 8000;
  const wav = Buffer.alloc(44 + rate);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + rate, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate, 28);
  wav.writeUInt16LE(1, 32);
  wav.writeUInt16LE(8, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(rate, 40);
  wav.fill(128, 44);
  return `data:audio/wav;base64,${wav.toString('base64')}`;
})();

/** Plays one visit in a fresh context; returns the stored engaged ms, × SCALE. */
async function replay(browser: Browser, site: string, visit: Visit, stored: (id: string) => Promise<number>) {
  const context = await newContext(browser);
  try {
    const page: Page = await context.newPage();
    await page.goto(`${site}/article`);
    const t0 = (await page.evaluate('window.__t0')) as number;
    let x = 10;
    for (const { at, type } of visit.events) {
      await sleep(t0 + at / SCALE - Date.now());
      if (type === 'mousemove') {
        x = (x + 37) % 300;
        await page.mouse.move(x, 100);
      } else if (type === 'mouseout') await page.mouse.move(-10, -10);
      else if (type === 'wheel')
        await page.evaluate(`document.body.dispatchEvent(new WheelEvent('wheel', { bubbles: true }))`);
      else if (type === 'scroll') await page.evaluate('scrollBy(0, 200)');
      else if (type === 'keydown') await page.keyboard.press('Shift');
      else if (type === 'hide' || type === 'show') await setHidden(page, type === 'hide');
      else if (type === 'blur' || type === 'focus') await setFocused(page, type === 'focus');
      else if (type === 'play') await page.evaluate(`document.getElementById('bench-video').play()`);
      else if (type === 'pause') await page.evaluate(`document.getElementById('bench-video').pause()`);
      else if (type === 'close') {
        await setHidden(page, true);
        const id = (await page.evaluate(`JSON.parse(sessionStorage.getItem('dwell')).id`)) as string;
        await page.close();
        // Let the final beacon land.
        await sleep(500);
        return (await stored(id)) * SCALE;
      }
      // (pointerdown: a click; Dwell listens to the mouse move before it and to focus.)
    }
    throw new Error('a visit ends with its close');
  } finally {
    await context.close();
  }
}

/** Replays the visits, `parallel` at a time, with the default settings scaled; stored ms in order. */
export async function replayInChromium(visits: Visit[], parallel = 2): Promise<number[]> {
  const server = await startServer({
    DWELL_INTERVAL_MS: String(15_000 / SCALE),
    DWELL_RATE_LIMIT: 'off',
    DWELL_DEMO: 'off',
  });
  const scaled = `data-grace="${30_000 / SCALE}" data-idle="${90_000 / SCALE}"`;
  const site = await startSite(() =>
    trackedPage(server.url, scaled)
      .replace('<head>', '<head><script>window.__t0 = Date.now()</script>')
      .replace('<body>', `<body><video id="bench-video" muted loop src="${SILENCE}"></video>`),
  );
  const browser = await launchChromium();
  const stored = async (id: string) => (await server.store.getSession(id))?.engagedMs ?? 0;
  const results: number[] = [];
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < visits.length) {
          const i = next++;
          results[i] = await replay(browser, site.origin, visits[i]!, stored);
          process.stderr.write(
            `\rChromium: ${results.filter((r) => r !== undefined).length}/${visits.length}`,
          );
        }
      }),
    );
  } finally {
    process.stderr.write('\n');
    await browser.close();
    await Promise.all([server.close(), site.close()]);
  }
  return results;
}

// The device class, browser and OS of a session, from the User-Agent through Bowser (MIT, kept
// current by its maintainers), refined by the client hints where a Chromium browser sent them.

import Bowser from 'bowser';
import { cleanText } from './clean-text.ts';
import { type ClientHints, NO_HINTS } from './client-hints.ts';
import {
  DEVICE_CLASSES,
  type DeviceClass,
  type HeaderValue,
  INPUT_LIMITS,
  ORIGIN_LIMITS,
} from './origin-types.ts';

export interface DeviceDescription {
  device: DeviceClass | null;
  browser: string | null;
  os: string | null;
}

// Bowser's names where a shorter one reads better in a dashboard row.
const BROWSER_NAMES: Readonly<Record<string, string>> = {
  'Samsung Internet for Android': 'Samsung Internet',
};

export function describeDevice(
  userAgent: string | null | undefined,
  hints: ClientHints = NO_HINTS,
): DeviceDescription {
  const parsed = parseUserAgent(userAgent);
  const browserName = parsed.browser.name;
  const browser = hints.brand ?? (browserName ? (BROWSER_NAMES[browserName] ?? browserName) : null);
  return {
    device: deviceClass(parsed.platform.type, hints.mobile),
    browser: cleanText(browser, ORIGIN_LIMITS.browser),
    os: cleanText(hints.platform ?? parsed.os.name ?? null, ORIGIN_LIMITS.os),
  };
}

function parseUserAgent(userAgent: HeaderValue): Bowser.Parser.ParsedResult {
  if (typeof userAgent !== 'string' || userAgent.trim() === '') return EMPTY_PARSE;
  try {
    return Bowser.parse(userAgent.slice(0, INPUT_LIMITS.userAgent));
  } catch {
    // Bowser does not throw on a string today; if a release ever does on some odd header, that
    // header is bad input, and the session still starts without its device.
    return EMPTY_PARSE;
  }
}

const EMPTY_PARSE: Bowser.Parser.ParsedResult = { browser: {}, os: {}, platform: {}, engine: {} };

function deviceClass(platformType: string | undefined, mobileHint: boolean | null): DeviceClass | null {
  // `?1` is the browser saying it is a phone; `?0` is also what a tablet sends, so it overrides nothing.
  if (mobileHint === true) return 'mobile';
  return (DEVICE_CLASSES as readonly string[]).includes(platformType ?? '')
    ? (platformType as DeviceClass)
    : null;
}

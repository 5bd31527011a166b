import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readClientHints } from './client-hints.ts';
import { describeDevice } from './device.ts';
import { INPUT_LIMITS } from './origin-types.ts';

// Real User-Agent strings (bots left out: they never start a session), with what a reader of the
// dashboard should see for each.
const USER_AGENTS: readonly [string, string, string, string, string][] = [
  [
    'Chrome on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'desktop',
    'Chrome',
    'Windows',
  ],
  [
    'Chrome on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'desktop',
    'Chrome',
    'macOS',
  ],
  [
    'Chrome on Linux',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'desktop',
    'Chrome',
    'Linux',
  ],
  [
    'Chrome on a Chromebook',
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'desktop',
    'Chrome',
    'Chrome OS',
  ],
  [
    'Safari on macOS (also iPadOS in its default desktop mode)',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    'desktop',
    'Safari',
    'macOS',
  ],
  [
    'Firefox on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    'desktop',
    'Firefox',
    'Windows',
  ],
  [
    'Firefox on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0',
    'desktop',
    'Firefox',
    'macOS',
  ],
  [
    'Firefox on Ubuntu',
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
    'desktop',
    'Firefox',
    'Linux',
  ],
  [
    'Edge on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    'desktop',
    'Microsoft Edge',
    'Windows',
  ],
  [
    'Edge on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
    'desktop',
    'Microsoft Edge',
    'macOS',
  ],
  [
    'Opera on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0',
    'desktop',
    'Opera',
    'Windows',
  ],
  [
    'Vivaldi on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Vivaldi/7.0.3495.18',
    'desktop',
    'Vivaldi',
    'Windows',
  ],
  [
    'Yandex Browser on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 YaBrowser/24.10.0.0 Safari/537.36',
    'desktop',
    'Yandex Browser',
    'Windows',
  ],
  [
    'Firefox ESR on Windows 7',
    'Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0',
    'desktop',
    'Firefox',
    'Windows',
  ],
  [
    'legacy EdgeHTML Edge',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19582',
    'desktop',
    'Microsoft Edge',
    'Windows',
  ],
  [
    'Internet Explorer 11',
    'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko',
    'desktop',
    'Internet Explorer',
    'Windows',
  ],
  [
    'Safari on iPhone (iOS 17)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'mobile',
    'Safari',
    'iOS',
  ],
  [
    'Safari on iPhone (iOS 18)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    'mobile',
    'Safari',
    'iOS',
  ],
  [
    'Chrome on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
    'mobile',
    'Chrome',
    'iOS',
  ],
  [
    'Firefox on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15',
    'mobile',
    'Firefox',
    'iOS',
  ],
  [
    'Edge on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) EdgiOS/131.2903.68 Version/17.0 Mobile/15E148 Safari/604.1',
    'mobile',
    'Microsoft Edge',
    'iOS',
  ],
  [
    'Chrome on Android (reduced User-Agent)',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    'mobile',
    'Chrome',
    'Android',
  ],
  [
    'Chrome on a Pixel',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.104 Mobile Safari/537.36',
    'mobile',
    'Chrome',
    'Android',
  ],
  [
    'Samsung Internet on a Galaxy phone',
    'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
    'mobile',
    'Samsung Internet',
    'Android',
  ],
  [
    'Samsung Internet (reduced User-Agent)',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
    'mobile',
    'Samsung Internet',
    'Android',
  ],
  [
    'Firefox on Android',
    'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0',
    'mobile',
    'Firefox',
    'Android',
  ],
  [
    'Edge on Android',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0',
    'mobile',
    'Microsoft Edge',
    'Android',
  ],
  [
    'Opera on Android',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36 OPR/86.0.0.0',
    'mobile',
    'Opera',
    'Android',
  ],
  [
    "Facebook's in-app browser on iPhone (WebKit: Safari)",
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/489.0.0.41.108;FBBV/665467427;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/80]',
    'mobile',
    'Safari',
    'iOS',
  ],
  [
    "Instagram's in-app browser on Android (WebView: Chrome)",
    'Mozilla/5.0 (Linux; Android 14; SM-S911B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.39 Mobile Safari/537.36 Instagram 357.0.0.25.101 Android (34/14; 450dpi; 1080x2340; samsung; SM-S911B; dm1q; qcom; en_US; 658174512)',
    'mobile',
    'Chrome',
    'Android',
  ],
  [
    'UC Browser on Android',
    'Mozilla/5.0 (Linux; U; Android 10; en-US; RMX2185 Build/QP1A.190711.020) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/13.4.0.1306 Mobile Safari/537.36',
    'mobile',
    'UC Browser',
    'Android',
  ],
  [
    'MIUI Browser on a Xiaomi phone',
    'Mozilla/5.0 (Linux; U; Android 13; en-gb; 2201117TG Build/TKQ1.221114.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/112.0.5615.136 Mobile Safari/537.36 XiaoMi/MiuiBrowser/14.10.1.2-gn',
    'mobile',
    'Miui',
    'Android',
  ],
  [
    'an Android WebView',
    'Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.39 Mobile Safari/537.36',
    'mobile',
    'Chrome',
    'Android',
  ],
  [
    'Safari on an iPad (mobile mode)',
    'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'tablet',
    'Safari',
    'iOS',
  ],
  [
    'Chrome on an iPad',
    'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
    'tablet',
    'Chrome',
    'iOS',
  ],
  [
    'Chrome on a Galaxy Tab',
    'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'tablet',
    'Chrome',
    'Android',
  ],
  [
    'Samsung Internet on a Galaxy Tab',
    'Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36',
    'tablet',
    'Samsung Internet',
    'Android',
  ],
  [
    'Silk on a Kindle Fire',
    'Mozilla/5.0 (Linux; Android 9; KFMAWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/131.3.1 like Chrome/131.0.6778.135 Safari/537.36',
    'tablet',
    'Amazon Silk',
    'Android',
  ],
  [
    'Firefox on an Android tablet',
    'Mozilla/5.0 (Android 14; Tablet; rv:133.0) Gecko/133.0 Firefox/133.0',
    'tablet',
    'Firefox',
    'Android',
  ],
  [
    'Chrome on a Lenovo tablet',
    'Mozilla/5.0 (Linux; Android 12; Lenovo TB-J606F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'tablet',
    'Chrome',
    'Android',
  ],
  [
    'a Samsung smart TV',
    'Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 85.0.4183.93/6.0 TV Safari/537.36',
    'tv',
    'Tizen',
    'Tizen',
  ],
  [
    'an LG smart TV',
    'Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.88 Safari/537.36 WebAppManager',
    'tv',
    'WebOS Browser',
    'WebOS',
  ],
  [
    'Chrome on an unfolded Galaxy Z Fold',
    'Mozilla/5.0 (Linux; Android 14; SM-F946B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'tablet',
    'Chrome',
    'Android',
  ],
  [
    'the DuckDuckGo desktop browser (Chromium: Chrome)',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 DuckDuckGo/5',
    'desktop',
    'Chrome',
    'Windows',
  ],
];

describe('describeDevice: real User-Agents', () => {
  assert.ok(USER_AGENTS.length >= 40);
  for (const [label, userAgent, device, browser, os] of USER_AGENTS) {
    it(`sees ${label} as ${device}, ${browser}, ${os}`, () => {
      assert.deepEqual(describeDevice(userAgent), { device, browser, os });
    });
  }
});

const CHROME_WINDOWS = USER_AGENTS[0]![1];
const CHROME_ANDROID =
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

describe('describeDevice: client hints', () => {
  it('names Brave, which sends a Chrome User-Agent', () => {
    const hints = readClientHints({ secChUa: '"Brave";v="131", "Chromium";v="131", "Not_A Brand";v="24"' });
    assert.equal(describeDevice(CHROME_WINDOWS, hints).browser, 'Brave');
  });

  it('takes the platform from the hints: the frozen User-Agent says Windows 10 or Android 10 whatever runs', () => {
    const hints = readClientHints({ secChUaPlatform: '"Chrome OS"' });
    assert.equal(describeDevice(CHROME_WINDOWS, hints).os, 'Chrome OS');
  });

  it('believes a phone that says it is one, even in desktop mode', () => {
    const hints = readClientHints({ secChUaMobile: '?1', secChUaPlatform: '"Android"' });
    assert.deepEqual(
      describeDevice(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
        hints,
      ),
      {
        device: 'mobile',
        browser: 'Chrome',
        os: 'Android',
      },
    );
  });

  it("keeps the User-Agent's answer where a hint says not mobile (a tablet sends ?0 too)", () => {
    const hints = readClientHints({ secChUaMobile: '?0' });
    const tablet = USER_AGENTS.find(([label]) => label === 'Chrome on a Galaxy Tab')![1];
    assert.equal(describeDevice(tablet, hints).device, 'tablet');
    assert.equal(describeDevice(CHROME_ANDROID, readClientHints({ secChUaMobile: '?1' })).device, 'mobile');
  });
});

describe('describeDevice: bad input', () => {
  it('leaves every field empty without a User-Agent', () => {
    for (const userAgent of [undefined, null, '', '   ']) {
      assert.deepEqual(describeDevice(userAgent), { device: null, browser: null, os: null });
    }
  });

  it('leaves unknown fields empty for a User-Agent it cannot place', () => {
    assert.deepEqual(describeDevice('curl/8.5.0'), { device: null, browser: null, os: null });
    assert.deepEqual(describeDevice('\u0000\u0001garbage'), { device: null, browser: null, os: null });
  });

  it('reads no more than its limit of a 10 kB User-Agent, and still places a real one padded to 10 kB', () => {
    const padded = `${CHROME_WINDOWS} ${'x'.repeat(10_000)}`;
    assert.ok(padded.length > INPUT_LIMITS.userAgent);
    assert.deepEqual(describeDevice(padded), { device: 'desktop', browser: 'Chrome', os: 'Windows' });
    const started = performance.now();
    describeDevice('Mozilla/5.0 ('.repeat(1_000));
    assert.ok(performance.now() - started < 50);
  });
});

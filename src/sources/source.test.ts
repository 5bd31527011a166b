import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readLinkTags } from './campaign.ts';
import type { SourceCategory } from './origin-types.ts';
import { loadReferrerList } from './referrer-list.ts';
import { resolveSource } from './source.ts';

const list = loadReferrerList();
const ENTRY = 'https://blog.example.com/posts/engaged-time';

function resolve(referrer: string | null, options: { url?: string; siteHosts?: string[] } = {}) {
  const entryUrl = new URL(options.url ?? ENTRY);
  return resolveSource(list, {
    entryUrl,
    referrer,
    siteHosts: options.siteHosts ?? ['blog.example.com'],
    tags: readLinkTags(entryUrl),
  });
}

// Referrers as browsers really send them: most send only the origin across sites
// (strict-origin-when-cross-origin), apps send android-app:// URLs, a few send a path.
const REFERRERS: readonly [string, string, SourceCategory, string][] = [
  ['https://www.google.com/', 'Google', 'search', 'google.com'],
  ['https://www.google.co.uk/', 'Google', 'search', 'google.co.uk'],
  ['https://www.google.de/', 'Google', 'search', 'google.de'],
  ['https://www.google.com.br/', 'Google', 'search', 'google.com.br'],
  [
    'android-app://com.google.android.googlequicksearchbox/',
    'Google',
    'search',
    'com.google.android.googlequicksearchbox',
  ],
  ['https://news.google.com/', 'Google News', 'search', 'news.google.com'],
  ['https://www.bing.com/', 'Bing', 'search', 'bing.com'],
  ['https://duckduckgo.com/', 'DuckDuckGo', 'search', 'duckduckgo.com'],
  ['https://search.brave.com/', 'Brave Search', 'search', 'search.brave.com'],
  ['https://www.ecosia.org/', 'Ecosia', 'search', 'ecosia.org'],
  ['https://yandex.ru/', 'Yandex', 'search', 'yandex.ru'],
  ['https://search.yahoo.com/', 'Yahoo!', 'search', 'search.yahoo.com'],
  ['https://www.qwant.com/', 'Qwant', 'search', 'qwant.com'],
  ['https://search.seznam.cz/', 'Seznam', 'search', 'search.seznam.cz'],
  ['https://kagi.com/', 'Kagi', 'search', 'kagi.com'],
  ['https://www.startpage.com/', 'Startpage', 'search', 'startpage.com'],
  ['https://t.co/', 'Twitter', 'social', 't.co'],
  ['https://x.com/', 'Twitter', 'social', 'x.com'],
  ['https://l.facebook.com/', 'Facebook', 'social', 'l.facebook.com'],
  ['https://lm.facebook.com/', 'Facebook', 'social', 'lm.facebook.com'],
  ['https://m.facebook.com/', 'Facebook', 'social', 'm.facebook.com'],
  ['https://l.instagram.com/', 'Instagram', 'social', 'l.instagram.com'],
  ['https://www.linkedin.com/', 'LinkedIn', 'social', 'linkedin.com'],
  ['https://lnkd.in/', 'LinkedIn', 'social', 'lnkd.in'],
  ['android-app://com.linkedin.android/', 'LinkedIn', 'social', 'com.linkedin.android'],
  ['https://www.reddit.com/', 'Reddit', 'social', 'reddit.com'],
  ['https://out.reddit.com/', 'Reddit', 'social', 'out.reddit.com'],
  ['https://old.reddit.com/', 'Reddit', 'social', 'old.reddit.com'],
  ['android-app://com.reddit.frontpage/', 'Reddit', 'social', 'com.reddit.frontpage'],
  ['https://news.ycombinator.com/', 'Hacker News', 'social', 'news.ycombinator.com'],
  ['https://bsky.app/', 'Bluesky', 'social', 'bsky.app'],
  ['https://go.bsky.app/', 'Bluesky', 'social', 'go.bsky.app'],
  ['https://mastodon.social/', 'Mastodon', 'social', 'mastodon.social'],
  ['https://l.threads.com/', 'Threads', 'social', 'l.threads.com'],
  ['https://www.threads.net/', 'Threads', 'social', 'threads.net'],
  ['https://www.youtube.com/', 'Youtube', 'social', 'youtube.com'],
  ['https://m.youtube.com/', 'Youtube', 'social', 'm.youtube.com'],
  ['https://www.pinterest.com/', 'Pinterest', 'social', 'pinterest.com'],
  ['https://github.com/', 'GitHub', 'social', 'github.com'],
  ['https://stackoverflow.com/', 'StackOverflow', 'social', 'stackoverflow.com'],
  ['https://mail.google.com/', 'Gmail', 'email', 'mail.google.com'],
  ['android-app://com.google.android.gm/', 'Gmail', 'email', 'com.google.android.gm'],
  ['https://outlook.live.com/', 'Outlook.com', 'email', 'outlook.live.com'],
  ['https://outlook.office.com/', 'Outlook.com', 'email', 'outlook.office.com'],
  ['https://mail.yahoo.com/', 'Yahoo! Mail', 'email', 'mail.yahoo.com'],
  ['https://orange.fr/webmail/', 'Orange Webmail', 'email', 'orange.fr'],
  ['https://chatgpt.com/', 'ChatGPT', 'ai', 'chatgpt.com'],
  ['https://chat.openai.com/', 'ChatGPT', 'ai', 'chat.openai.com'],
  ['https://www.perplexity.ai/', 'Perplexity', 'ai', 'perplexity.ai'],
  ['https://claude.ai/', 'Claude', 'ai', 'claude.ai'],
  ['https://gemini.google.com/', 'Gemini', 'ai', 'gemini.google.com'],
  ['https://copilot.microsoft.com/', 'Microsoft Copilot', 'ai', 'copilot.microsoft.com'],
  ['https://edgeservices.bing.com/', 'Microsoft Copilot', 'ai', 'edgeservices.bing.com'],
  ['https://chat.deepseek.com/', 'DeepSeek', 'ai', 'chat.deepseek.com'],
  ['https://www.googleadservices.com/', 'Google', 'paid', 'googleadservices.com'],
  ['https://en.wikipedia.org/', 'Wikipedia', 'other-site', 'en.wikipedia.org'],
  ['https://de.m.wikipedia.org/', 'Wikipedia', 'other-site', 'de.m.wikipedia.org'],
  ['https://substack.com/', 'Substack', 'other-site', 'substack.com'],
  ['https://lobste.rs/', 'lobste.rs', 'other-site', 'lobste.rs'],
  ['https://www.markosaric.com/some/post/', 'markosaric.com', 'other-site', 'markosaric.com'],
  ['https://sub.blog.example.org:8443/x?y=1', 'sub.blog.example.org', 'other-site', 'sub.blog.example.org'],
  ['https://WWW.Example.NET./', 'example.net', 'other-site', 'example.net'],
];

describe('resolveSource: real referrers', () => {
  assert.ok(REFERRERS.length >= 40);
  for (const [referrer, source, category, host] of REFERRERS) {
    it(`groups ${referrer} as ${source} (${category})`, () => {
      assert.deepEqual(resolve(referrer), { source, sourceCategory: category, referrerHost: host });
    });
  }
});

describe('resolveSource: direct and internal', () => {
  it('calls a visit without referrer or tag direct, with no source', () => {
    assert.deepEqual(resolve(null), { source: null, sourceCategory: 'direct', referrerHost: null });
    assert.deepEqual(resolve(''), { source: null, sourceCategory: 'direct', referrerHost: null });
  });

  it("does not count the site's own hosts as a source, with or without www", () => {
    const siteHosts = ['example.com', 'docs.example.com'];
    for (const referrer of [
      'https://example.com/a',
      'https://www.example.com/',
      'https://DOCS.example.com/x',
    ]) {
      assert.equal(resolve(referrer, { siteHosts }).sourceCategory, 'direct', referrer);
    }
    assert.equal(resolve('https://shop.example.com/', { siteHosts }).source, 'shop.example.com');
  });

  it("uses the entry page's host as the internal one when the site lists no hosts", () => {
    const url = 'https://www.example.com/post';
    assert.equal(resolve('https://example.com/', { url, siteHosts: [] }).sourceCategory, 'direct');
    assert.equal(resolve('https://other.com/', { url, siteHosts: [] }).source, 'other.com');
  });

  it("treats another member's page on a shared host as a source, the member's own as internal", () => {
    const siteHosts = ['bio.re/alice/'];
    const url = 'https://bio.re/alice';
    assert.equal(resolve('https://bio.re/alice/links', { url, siteHosts }).sourceCategory, 'direct');
    assert.equal(resolve('https://bio.re/alice', { url, siteHosts }).sourceCategory, 'direct');
    assert.equal(resolve('https://bio.re/alicexyz', { url, siteHosts }).source, 'bio.re');
    assert.equal(resolve('https://bio.re/bob', { url, siteHosts }).source, 'bio.re');
  });

  it('ignores a port on a listed site host', () => {
    assert.equal(
      resolve('http://localhost:3000/', { siteHosts: ['localhost:3000'] }).sourceCategory,
      'direct',
    );
  });
});

describe('resolveSource: link tags override the referrer (Plausible)', () => {
  const tagged = (query: string, referrer: string | null = null) =>
    resolve(referrer, { url: `${ENTRY}?${query}` });

  it('takes utm_source over source over ref', () => {
    assert.equal(tagged('ref=a&source=b&utm_source=c').source, 'c');
    assert.equal(tagged('ref=a&source=b').source, 'b');
    assert.equal(tagged('ref=a').source, 'a');
  });

  it('lets a tag win over the referrer, keeping the referrer host for its own breakdown', () => {
    assert.deepEqual(tagged('ref=newsletter', 'https://news.ycombinator.com/'), {
      source: 'newsletter',
      sourceCategory: 'social',
      referrerHost: 'news.ycombinator.com',
    });
  });

  it('spells a listed source as the list does, whatever the case of the tag', () => {
    assert.deepEqual(tagged('utm_source=GOOGLE'), {
      source: 'Google',
      sourceCategory: 'search',
      referrerHost: null,
    });
    assert.equal(tagged('ref=hacker%20news').source, 'Hacker News');
    assert.equal(tagged('utm_source=bsky').source, 'Bluesky');
  });

  it('folds common shorthands and hosts into their source', () => {
    assert.equal(tagged('utm_source=fb').source, 'Facebook');
    assert.equal(tagged('utm_source=ig').source, 'Instagram');
    assert.equal(tagged('utm_source=hn').source, 'Hacker News');
    assert.deepEqual(tagged('utm_source=chatgpt.com'), {
      source: 'ChatGPT',
      sourceCategory: 'ai',
      referrerHost: null,
    });
    assert.equal(tagged('utm_source=www.reddit.com').source, 'Reddit');
  });

  it('calls an unknown tagged source a campaign, unless utm_medium or the referrer says more', () => {
    assert.equal(tagged('ref=spring-sale').sourceCategory, 'campaign');
    assert.equal(tagged('utm_source=weekly&utm_medium=email').sourceCategory, 'email');
    assert.equal(tagged('utm_source=weekly&utm_medium=Newsletter').sourceCategory, 'email');
    assert.equal(tagged('utm_source=friends&utm_medium=social').sourceCategory, 'social');
    assert.equal(tagged('utm_source=spring', 'https://l.facebook.com/').sourceCategory, 'social');
    assert.equal(tagged('utm_source=spring', 'https://someblog.net/').sourceCategory, 'other-site');
  });

  it('calls a paid utm_medium paid, even for a search engine', () => {
    assert.deepEqual(tagged('utm_source=google&utm_medium=cpc', 'https://www.google.com/'), {
      source: 'Google',
      sourceCategory: 'paid',
      referrerHost: 'google.com',
    });
    assert.equal(tagged('utm_source=facebook&utm_medium=paid_social').sourceCategory, 'paid');
  });

  it('lets utm_medium describe an untagged email visit without inventing a source', () => {
    assert.deepEqual(tagged('utm_medium=email'), {
      source: null,
      sourceCategory: 'email',
      referrerHost: null,
    });
  });

  it('ignores an empty or blank tag', () => {
    assert.equal(tagged('utm_source=&ref=%20%20', 'https://t.co/').source, 'Twitter');
  });
});

describe('resolveSource: malformed referrers', () => {
  for (const referrer of [
    'not a url',
    'javascript:alert(1)',
    'data:text/html,hi',
    'file:///etc/passwd',
    'ftp://files.example.org/',
    'about:blank',
    'https://',
    'http://[::1',
    '//no-scheme.example.org/',
    `https://${'a'.repeat(10_000)}.com/`,
  ]) {
    it(`leaves the referrer out for ${JSON.stringify(referrer.slice(0, 40))}`, () => {
      const result = resolve(referrer);
      assert.equal(result.referrerHost === null || result.referrerHost.length <= 253, true);
      if (!referrer.includes('aaaa'))
        assert.deepEqual(result, { source: null, sourceCategory: 'direct', referrerHost: null });
    });
  }
});

// Referrers the maintained list lacks (see referrer-list.ts), added by hand. Keep this short: a
// missing ordinary referrer belongs upstream; what belongs here is Dwell's own category (AI
// assistants, which neither Snowplow's data nor Ghost's copy has) and hosts of a listed source
// that its list misses. Each host also covers its subdomains, as every host of the list does.

import type { ListedCategory } from './referrer-list.ts';

export const EXTRA_REFERRERS: Readonly<Record<string, { name: string; category: ListedCategory }>> = {
  // AI assistants: a reader who followed a link an assistant cited. ChatGPT also tags such links
  // with utm_source=chatgpt.com, which a tag lookup by host resolves to the same source.
  'chatgpt.com': { name: 'ChatGPT', category: 'ai' },
  'chat.openai.com': { name: 'ChatGPT', category: 'ai' },
  'perplexity.ai': { name: 'Perplexity', category: 'ai' },
  'claude.ai': { name: 'Claude', category: 'ai' },
  'gemini.google.com': { name: 'Gemini', category: 'ai' },
  'bard.google.com': { name: 'Gemini', category: 'ai' },
  'copilot.microsoft.com': { name: 'Microsoft Copilot', category: 'ai' },
  'copilot.cloud.microsoft': { name: 'Microsoft Copilot', category: 'ai' },
  // Copilot in Edge's sidebar sends this host as the referrer.
  'edgeservices.bing.com': { name: 'Microsoft Copilot', category: 'ai' },
  'chat.deepseek.com': { name: 'DeepSeek', category: 'ai' },
  'chat.mistral.ai': { name: 'Mistral Le Chat', category: 'ai' },
  'grok.com': { name: 'Grok', category: 'ai' },
  'meta.ai': { name: 'Meta AI', category: 'ai' },
  'poe.com': { name: 'Poe', category: 'ai' },
  'phind.com': { name: 'Phind', category: 'ai' },
  // Search engines and social sites the list misses or knows only by another of their hosts.
  'kagi.com': { name: 'Kagi', category: 'search' },
  'startpage.com': { name: 'Startpage', category: 'search' },
  'threads.net': { name: 'Threads', category: 'social' },
  'threads.com': { name: 'Threads', category: 'social' },
  'wikipedia.org': { name: 'Wikipedia', category: 'other-site' },
  'outlook.office.com': { name: 'Outlook.com', category: 'email' },
  'outlook.office365.com': { name: 'Outlook.com', category: 'email' },
};

/**
 * Short names people put in `utm_source` / `ref` for a listed source (the list's own names match
 * case-insensitively already: `google` is Google). Plausible keeps a similar table for the same
 * reason: link tagging is a mess, and the common shorthands are worth folding together.
 */
export const SOURCE_ALIASES: Readonly<Record<string, string>> = {
  fb: 'Facebook',
  ig: 'Instagram',
  hn: 'Hacker News',
  li: 'LinkedIn',
  yt: 'Youtube',
  tw: 'Twitter',
  x: 'Twitter',
  gh: 'GitHub',
  chatgpt: 'ChatGPT',
  openai: 'ChatGPT',
  perplexity: 'Perplexity',
};

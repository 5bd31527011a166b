// The registrable domain of a host (issue #23), the part a person registers: `example.co.uk` of
// `www.example.co.uk`. Used to tell a site's own subdomains from other sites.

import { getDomain } from 'tldts';

/**
 * `docs.example.com` → `example.com`. Private suffixes count as public ones, so each
 * `alice.github.io` is a site of its own, not a page of github.io. Localhost, IP addresses and
 * hosts that are themselves a public suffix have no registrable domain: they stand for themselves.
 */
export function registrableDomain(host: string): string {
  const bare = host.toLowerCase().replace(/\.$/, '');
  if (bare.startsWith('[')) return bare;
  return getDomain(bare, { allowPrivateDomains: true }) ?? bare;
}

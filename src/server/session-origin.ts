// A new session's origin (issue #24): where it came from, on what device, from which country,
// decided once at its start by src/sources/ and kept beside the session. The describer reads its
// referrer list and opens the geo database once per process, on the first session start (a quarter
// of a second), so an app that never starts a session never pays for it.

import type { FastifyRequest } from 'fastify';
import { formatHostPattern } from '../sites/index.ts';
import { createOriginDescriber, type DescribeOrigin } from '../sources/index.ts';
import type { SiteRecord } from '../store/site-types.ts';
import type { SessionOrigin } from '../store/types.ts';

const describers = new Map<boolean, DescribeOrigin>();

function describer(geo: boolean): DescribeOrigin {
  let describe = describers.get(geo);
  if (!describe) {
    describe = createOriginDescriber({ geo });
    describers.set(geo, describe);
  }
  return describe;
}

/** The longest entry path kept (a path is a page, not a place for unbounded data). */
const ENTRY_PATH_LIMIT = 500;

export function sessionOrigin(
  request: FastifyRequest,
  site: SiteRecord,
  page: { url: string | undefined; referrer: string | undefined },
  geo: boolean,
): SessionOrigin {
  const headers = request.headers;
  const origin = describer(geo)({
    url: page.url,
    referrer: page.referrer,
    siteHosts: site.hosts.map(formatHostPattern),
    userAgent: headers['user-agent'],
    clientHints: {
      secChUa: headers['sec-ch-ua'],
      secChUaMobile: headers['sec-ch-ua-mobile'],
      secChUaPlatform: headers['sec-ch-ua-platform'],
    },
    // trustProxy applied by Fastify: an X-Forwarded-For from an untrusted peer is ignored.
    clientAddress: request.ip,
  });
  return {
    source: origin.source,
    sourceCategory: origin.sourceCategory,
    referrerHost: origin.referrerHost,
    utm: origin.utm,
    entryPath: entryPath(page.url),
    device: origin.device,
    browser: origin.browser,
    os: origin.os,
    country: origin.country,
    region: origin.region,
  };
}

/** The entry page's path, without its query (campaign tags stay out of the page list). */
function entryPath(url: string | undefined): string | null {
  if (!url || !URL.canParse(url)) return null;
  const { protocol, pathname } = new URL(url);
  if (protocol !== 'https:' && protocol !== 'http:') return null;
  return pathname.slice(0, ENTRY_PATH_LIMIT);
}

// Sites (issue #23): one Dwell for many sites, each with its hosts, time zone and CORS origins.

export {
  dayLengthMs,
  dayName,
  dayRangeIn,
  dayStart,
  localDay,
  parseDayName,
  utcOffsetMs,
} from './local-day.ts';
export { registrableDomain } from './registrable-domain.ts';
export { findHostConflicts, SiteResolver } from './resolve-site.ts';
export {
  parseNewSite,
  parseSitePatch,
  type SiteFields,
  type SiteGateInput,
  type SiteInput,
} from './site-fields.ts';
export {
  defaultOrigins,
  formatHostPattern,
  type HostPattern,
  parseHostPattern,
  parseHostPatterns,
  parseOrigin,
  parseOrigins,
  parseSiteId,
  parseTimeZone,
  SiteInputError,
  siteIdFor,
} from './site-input.ts';

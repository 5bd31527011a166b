// Sources (issue #24): the origin of a session, decided once at its start. See docs/sources.md.

export { withoutCampaignTags } from './campaign.ts';
export {
  createOriginDescriber,
  type DescribeOrigin,
  type OriginDescriberOptions,
} from './describe-origin.ts';
export {
  type Campaign,
  type ClientHintHeaders,
  DEVICE_CLASSES,
  type DeviceClass,
  type HeaderValue,
  ORIGIN_LIMITS,
  type Origin,
  type OriginInput,
  SOURCE_CATEGORIES,
  type SourceCategory,
} from './origin-types.ts';

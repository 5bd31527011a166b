// A site as a person writes it (the sites API's body, the CLI's flags) turned into the checked
// fields the store keeps, once for both: every message names the field at fault (SiteInputError).

import {
  type HostPattern,
  parseHostPatterns,
  parseOrigins,
  parseSiteId,
  parseTimeZone,
  SiteInputError,
  siteIdFor,
} from './site-input.ts';

export interface SiteGateInput {
  allow?: string[] | undefined;
  verify?: 'off' | 'link' | undefined;
}

/** What a new site or a change says, unchecked. */
export interface SiteInput {
  id?: string | undefined;
  name?: string | undefined;
  hosts?: string[] | undefined;
  timeZone?: string | undefined;
  /** null: back to the defaults of its hosts. */
  origins?: string[] | null | undefined;
  gate?: SiteGateInput | null | undefined;
}

export interface SiteFields {
  id: string;
  name: string;
  hosts: HostPattern[];
  timeZone: string;
  origins: string[] | null;
  settings: { gate?: SiteGateInput };
}

const MAX_NAME = 100;

function parseName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > MAX_NAME)
    throw new SiteInputError('name', `name must be 1 to ${MAX_NAME} characters`);
  return trimmed;
}

function parseGate(gate: SiteGateInput | null): { gate?: SiteGateInput } {
  if (gate === null) return {};
  const allow = gate.allow?.map((entry, i) => {
    const value = entry.trim().toLowerCase();
    if (!/^[^@\s]*@[^@\s]+$/.test(value))
      throw new SiteInputError(
        'gate',
        `gate.allow[${i}] ${JSON.stringify(entry)} is not an email or an @domain`,
      );
    return value;
  });
  return { gate: { ...(allow ? { allow } : {}), ...(gate.verify ? { verify: gate.verify } : {}) } };
}

/** A new site: hosts are required; the id defaults to the main host, the name to the id. */
export function parseNewSite(input: SiteInput): SiteFields {
  const hosts = parseHostPatterns(input.hosts ?? []);
  const id = input.id === undefined ? siteIdFor(hosts[0]!) : parseSiteId(input.id);
  return {
    id,
    name: input.name === undefined ? id : parseName(input.name),
    hosts,
    timeZone: input.timeZone === undefined ? 'UTC' : parseTimeZone(input.timeZone),
    origins: input.origins == null ? null : parseOrigins(input.origins),
    settings: input.gate == null ? {} : parseGate(input.gate),
  };
}

/** A change: only what it names; the id cannot change (it is in every shared link and query). */
export function parseSitePatch(input: SiteInput): Partial<Omit<SiteFields, 'id'>> {
  if (input.id !== undefined)
    throw new SiteInputError('id', 'id cannot change: it is part of every query and link');
  return {
    ...(input.name === undefined ? {} : { name: parseName(input.name) }),
    ...(input.hosts === undefined ? {} : { hosts: parseHostPatterns(input.hosts) }),
    ...(input.timeZone === undefined ? {} : { timeZone: parseTimeZone(input.timeZone) }),
    ...(input.origins === undefined
      ? {}
      : { origins: input.origins === null ? null : parseOrigins(input.origins) }),
    ...(input.gate === undefined ? {} : { settings: parseGate(input.gate) }),
  };
}

// The only reader of process.env: every setting of API.md's configuration table, parsed and
// validated at start. A bad value stops the start with a message naming each bad variable.

import { dirname, resolve } from 'node:path';
import { parseHostPattern } from './sites/index.ts';

export type DatabaseTarget = { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string };

export interface RateLimitRule {
  max: number;
  windowMs: number;
}

export interface Config {
  env: 'production' | 'development' | 'test';
  port: number;
  host: string;
  logLevel: string;
  database: DatabaseTarget;
  /** Folder for generated secrets (admin token, cookie secret); the SQLite file's folder by default. */
  dataDir: string;
  redisUrl: string | null;
  /** From DWELL_ADMIN_TOKEN; null means "generate one in dataDir on first start". */
  adminToken: string | null;
  intervalMs: number;
  timeoutMs: number;
  toleranceMs: number;
  /** null when DWELL_RATE_LIMIT=off. */
  rateLimit: { sessions: RateLimitRule; beats: RateLimitRule } | null;
  /** Fastify's trustProxy: false, true, a hop count, or a list of addresses/CIDRs. */
  trustProxy: boolean | number | string[];
  /**
   * Origins allowed to call the ingest routes: `sites` (the default) asks the sites (each its own
   * origins, or its hosts'), `*` any, or a fixed list for every site.
   */
  allowedOrigins: 'sites' | '*' | string[];
  /** DWELL_GEO: look up each new session's country in the shipped offline database (issue #24). */
  geo: boolean;
  sites: {
    /** DWELL_SITES=auto: a host no site claims gets a site of its own on first sight. */
    auto: boolean;
    /** The hosts of the site created at first start (DWELL_SITE_HOSTS). */
    firstHosts: string[];
  };
  legacyBeats: boolean;
  honorGpc: boolean;
  honorDnt: boolean;
  bodyLimit: number;
  /** Largest SQLite page count (PRAGMA max_page_count); 0 = SQLite's own limit. */
  sqliteMaxPages: number;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  retentionDays: number | null;
  demo: boolean;
  gate: {
    dir: string | null;
    /** DWELL_GATE_SITES_DIR: a site's own confidential folder is <this>/<site id>, where it exists. */
    sitesDir: string | null;
    path: string;
    allow: string[];
    verify: 'off' | 'link';
    accessTtlMs: number;
    linkTtlMs: number;
    cookieSecret: string | null;
  };
  smtpUrl: string | null;
  mailFrom: string;
  webhookUrl: string | null;
  /** Signs webhook requests (Standard Webhooks); generated in the data folder when unset. */
  webhookSecret: string | null;
  publicUrl: string | null;
}

/** `whsec_` and the base64 of at least 16 bytes: the Standard Webhooks secret format. */
export const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{22,}={0,2}$/;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

const DURATION = /^(\d+)(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Reads the environment into a frozen Config, or throws ConfigError listing every bad variable. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Readonly<Config> {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const fail = <T>(name: string, expected: string, fallback: T): T => {
    problems.push(`${name}=${JSON.stringify(env[name])}: expected ${expected}`);
    return fallback;
  };
  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    return Number.isInteger(value) && value >= min && value <= max
      ? value
      : fail(name, `an integer from ${min} to ${max}`, fallback);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = read(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['on', 'true', '1', 'yes'].includes(raw)) return true;
    if (['off', 'false', '0', 'no'].includes(raw)) return false;
    return fail(name, 'on or off', fallback);
  };
  const duration = (name: string, fallback: number, unit = 'ms'): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const match = DURATION.exec(raw);
    return match
      ? Number(match[1]) * (UNIT_MS[match[2] ?? unit] ?? 1)
      : fail(name, 'a duration like 1500, 30s, 15m, 24h or 90d', fallback);
  };
  const list = (name: string): string[] =>
    (read(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);

  const nodeEnv = read('NODE_ENV');
  const envName = nodeEnv === 'production' || nodeEnv === 'test' ? nodeEnv : 'development';

  const database = parseDatabaseUrl(read('DATABASE_URL') ?? 'sqlite:./data/dwell.db', cwd, (expected) =>
    fail('DATABASE_URL', expected, null),
  ) ?? { engine: 'sqlite' as const, path: resolve(cwd, 'data/dwell.db') };

  const dataDirRaw = read('DWELL_DATA_DIR');
  const dataDir = dataDirRaw
    ? resolve(cwd, dataDirRaw)
    : database.engine === 'sqlite' && database.path !== ':memory:'
      ? dirname(database.path)
      : resolve(cwd, 'data');

  const redisUrl = read('REDIS_URL') ?? null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) fail('REDIS_URL', 'a redis:// or rediss:// URL', null);

  const adminToken = read('DWELL_ADMIN_TOKEN') ?? null;
  if (adminToken !== null && adminToken.length < 16)
    fail('DWELL_ADMIN_TOKEN', 'at least 16 characters', null);

  const intervalMs = duration('DWELL_INTERVAL_MS', 15_000);
  if (intervalMs < 250 || intervalMs > 3_600_000) fail('DWELL_INTERVAL_MS', 'from 250 ms to 1 h', null);
  const timeoutMs = duration('DWELL_TIMEOUT_MS', 1_800_000);
  if (timeoutMs < intervalMs * 2) fail('DWELL_TIMEOUT_MS', 'at least twice DWELL_INTERVAL_MS', null);

  const rateLimit = parseRateLimit(read('DWELL_RATE_LIMIT'), (expected) =>
    fail('DWELL_RATE_LIMIT', expected, null),
  );

  const trustRaw = read('DWELL_TRUST_PROXY')?.toLowerCase();
  let trustProxy: Config['trustProxy'] = false;
  if (trustRaw === undefined || trustRaw === 'off' || trustRaw === 'false') trustProxy = false;
  else if (trustRaw === 'on' || trustRaw === 'true') trustProxy = true;
  else if (/^\d+$/.test(trustRaw)) trustProxy = Number(trustRaw);
  else if (/^[0-9a-f.:/,\s]+$/.test(trustRaw)) trustProxy = list('DWELL_TRUST_PROXY');
  else fail('DWELL_TRUST_PROXY', 'off, on, a hop count, or comma-separated addresses/CIDRs', null);

  const originsRaw = read('DWELL_ALLOWED_ORIGINS') ?? 'sites';
  const allowedOrigins: Config['allowedOrigins'] =
    originsRaw === '*' || originsRaw === 'sites' ? originsRaw : list('DWELL_ALLOWED_ORIGINS');
  if (Array.isArray(allowedOrigins)) {
    for (const origin of allowedOrigins) {
      if (!/^https?:\/\/[^/]+$/.test(origin))
        fail('DWELL_ALLOWED_ORIGINS', `sites, * or origins like https://example.com (got ${origin})`, null);
    }
  }

  const gatePath = read('DWELL_GATE_PATH') ?? '/confidential/';
  if (!/^\/[\w\-./]*\/$/.test(gatePath) || gatePath.includes('..')) {
    fail('DWELL_GATE_PATH', 'a path that starts and ends with / (like /confidential/)', null);
  }
  const gateDir = read('DWELL_GATE_DIR');
  const gateAllow = list('DWELL_GATE_ALLOW').map((entry) => entry.toLowerCase());
  for (const entry of gateAllow) {
    if (!/^[^@\s]*@[^@\s]+$/.test(entry)) fail('DWELL_GATE_ALLOW', `emails or @domains (got ${entry})`, null);
  }
  const verifyRaw = read('DWELL_GATE_VERIFY') ?? 'off';
  const verify =
    verifyRaw === 'link' || verifyRaw === 'off' ? verifyRaw : fail('DWELL_GATE_VERIFY', 'off or link', 'off');
  const cookieSecret = read('DWELL_COOKIE_SECRET') ?? null;
  if (cookieSecret !== null && cookieSecret.length < 32)
    fail('DWELL_COOKIE_SECRET', 'at least 32 characters', null);

  const smtpUrl = read('SMTP_URL') ?? null;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) fail('SMTP_URL', 'an smtp:// or smtps:// URL', null);
  const webhookUrl = read('DWELL_WEBHOOK_URL') ?? null;
  if (webhookUrl && !/^https?:\/\//.test(webhookUrl)) fail('DWELL_WEBHOOK_URL', 'an http(s):// URL', null);
  const webhookSecret = read('DWELL_WEBHOOK_SECRET') ?? null;
  if (webhookSecret !== null && !WEBHOOK_SECRET_PATTERN.test(webhookSecret))
    fail('DWELL_WEBHOOK_SECRET', 'whsec_ followed by the base64 of at least 16 random bytes', null);
  const publicUrl = read('DWELL_PUBLIC_URL') ?? null;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) fail('DWELL_PUBLIC_URL', 'an http(s):// URL', null);

  const sitesMode = (read('DWELL_SITES') ?? 'off').toLowerCase();
  if (sitesMode !== 'off' && sitesMode !== 'auto') fail('DWELL_SITES', 'off or auto', null);
  const firstHosts = list('DWELL_SITE_HOSTS').map((h) => h.toLowerCase());
  for (const host of firstHosts) {
    try {
      parseHostPattern(host);
    } catch (error) {
      fail('DWELL_SITE_HOSTS', (error as Error).message, null);
    }
  }
  if (firstHosts.length === 0) {
    firstHosts.push('localhost', '127.0.0.1');
    const publicHost = publicUrl && URL.canParse(publicUrl) ? new URL(publicUrl).hostname : null;
    if (publicHost && !firstHosts.includes(publicHost)) firstHosts.push(publicHost);
  }

  const syncRaw = (read('DWELL_SQLITE_SYNC') ?? 'normal').toUpperCase();
  const sqliteSynchronous =
    syncRaw === 'FULL' || syncRaw === 'NORMAL'
      ? syncRaw
      : fail('DWELL_SQLITE_SYNC', 'normal or full', 'NORMAL');

  const retention = read('DWELL_RETENTION_DAYS');
  const retentionDays =
    retention === undefined || retention === 'off' ? null : int('DWELL_RETENTION_DAYS', 0, 1, 36_500);

  const config: Config = {
    env: envName,
    port: int('PORT', 8080, 0, 65_535),
    host: read('HOST') ?? '127.0.0.1',
    logLevel: read('LOG_LEVEL') ?? (envName === 'test' ? 'silent' : 'info'),
    database,
    dataDir,
    redisUrl,
    adminToken,
    intervalMs,
    timeoutMs,
    toleranceMs: duration('DWELL_TOLERANCE_MS', 2_000),
    rateLimit,
    trustProxy,
    allowedOrigins,
    sites: { auto: sitesMode === 'auto', firstHosts },
    geo: bool('DWELL_GEO', true),
    legacyBeats: bool('DWELL_LEGACY_BEATS', true),
    honorGpc: bool('DWELL_HONOR_GPC', true),
    honorDnt: bool('DWELL_HONOR_DNT', false),
    bodyLimit: int('DWELL_BODY_LIMIT', 16_384, 256, 1_048_576),
    sqliteMaxPages: int('DWELL_SQLITE_MAX_PAGES', 0, 0),
    sqliteSynchronous,
    retentionDays,
    demo: bool('DWELL_DEMO', true),
    gate: {
      dir: gateDir ? resolve(cwd, gateDir) : null,
      sitesDir: read('DWELL_GATE_SITES_DIR') ? resolve(cwd, read('DWELL_GATE_SITES_DIR')!) : null,
      path: gatePath,
      allow: gateAllow,
      verify,
      accessTtlMs: duration('DWELL_GATE_TTL', 86_400_000),
      linkTtlMs: duration('DWELL_GATE_LINK_TTL', 900_000),
      cookieSecret,
    },
    smtpUrl,
    mailFrom: read('DWELL_MAIL_FROM') ?? 'Dwell <dwell@localhost>',
    webhookUrl,
    webhookSecret,
    publicUrl,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

function parseDatabaseUrl(raw: string, cwd: string, fail: (expected: string) => null): DatabaseTarget | null {
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://'))
    return { engine: 'postgres', url: raw };
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '') return fail('sqlite:<path> with a file path, or postgres://…');
    return { engine: 'sqlite', path: path === ':memory:' ? path : resolve(cwd, path) };
  }
  return fail('sqlite:<path> or postgres://…');
}

/**
 * DWELL_RATE_LIMIT: `off`, or `sessions=<n>/<window>,beats=<n>/<window>` (either part may be left
 * out to keep its default). Sessions are limited per client IP, beats per session, so many tabs
 * behind one NAT never share a beat budget (the BIO.RE seed's per-IP 5/30 s did exactly that).
 */
export function parseRateLimit(
  raw: string | undefined,
  fail: (expected: string) => null,
): Config['rateLimit'] {
  const defaults = { sessions: { max: 300, windowMs: 60_000 }, beats: { max: 120, windowMs: 60_000 } };
  if (raw === undefined || raw === 'on') return defaults;
  if (raw === 'off') return null;
  const result = { ...defaults };
  for (const part of raw.split(',')) {
    const match = /^\s*(sessions|beats)\s*=\s*(\d+)\s*\/\s*(\d+)?(ms|s|m|h)\s*$/.exec(part);
    if (!match) {
      fail('off, on, or sessions=<n>/<window>,beats=<n>/<window> (like sessions=300/1m,beats=120/1m)');
      return defaults;
    }
    const [, key, max, count, unit] = match as unknown as [
      string,
      'sessions' | 'beats',
      string,
      string | undefined,
      string,
    ];
    result[key] = { max: Number(max), windowMs: Number(count ?? 1) * (UNIT_MS[unit] ?? 1) };
  }
  return result;
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const inner of Object.values(value)) {
    if (inner && typeof inner === 'object') deepFreeze(inner as object);
  }
  return Object.freeze(value);
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has the defaults of API.md', () => {
    const config = loadConfig({}, '/srv/dwell');
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.deepEqual(config.database, { engine: 'sqlite', path: '/srv/dwell/data/dwell.db' });
    assert.equal(config.dataDir, '/srv/dwell/data');
    assert.equal(config.intervalMs, 15_000);
    assert.equal(config.timeoutMs, 1_800_000);
    assert.equal(config.allowedOrigins, 'sites');
    assert.equal(config.legacyBeats, true);
    assert.equal(config.honorGpc, true);
    assert.equal(config.trustProxy, false);
    assert.equal(config.redisUrl, null);
    assert.equal(config.gate.path, '/confidential/');
    assert.ok(config.rateLimit && config.rateLimit.beats.max >= 60);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.gate));
  });

  it('reads every setting', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        DATABASE_URL: 'postgres://localhost/dwell',
        REDIS_URL: 'redis://127.0.0.1:6379',
        DWELL_INTERVAL_MS: '30s',
        DWELL_TIMEOUT_MS: '1h',
        DWELL_RATE_LIMIT: 'sessions=10/1m,beats=20/30s',
        DWELL_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
        DWELL_ALLOWED_ORIGINS: 'https://a.test,https://b.test',
        DWELL_LEGACY_BEATS: 'off',
        DWELL_HONOR_GPC: 'off',
        DWELL_GATE_DIR: './docs',
        DWELL_GATE_ALLOW: 'Boss@Example.com,@partner.test',
      },
      '/srv',
    );
    assert.equal(config.port, 9000);
    assert.deepEqual(config.database, { engine: 'postgres', url: 'postgres://localhost/dwell' });
    assert.equal(config.intervalMs, 30_000);
    assert.equal(config.timeoutMs, 3_600_000);
    assert.deepEqual(config.rateLimit, {
      sessions: { max: 10, windowMs: 60_000 },
      beats: { max: 20, windowMs: 30_000 },
    });
    assert.deepEqual(config.trustProxy, ['10.0.0.0/8', '127.0.0.1']);
    assert.deepEqual(config.allowedOrigins, ['https://a.test', 'https://b.test']);
    assert.equal(config.legacyBeats, false);
    assert.equal(config.honorGpc, false);
    assert.equal(config.gate.dir, '/srv/docs');
    assert.deepEqual(config.gate.allow, ['boss@example.com', '@partner.test']);
    assert.equal(loadConfig({ DWELL_RATE_LIMIT: 'off' }).rateLimit, null);
    assert.equal(loadConfig({ DWELL_TRUST_PROXY: '2' }).trustProxy, 2);
  });

  it('names every bad variable at once', () => {
    assert.throws(
      () =>
        loadConfig({
          PORT: 'eighty',
          DATABASE_URL: 'mysql://x',
          DWELL_INTERVAL_MS: 'soon',
          DWELL_RATE_LIMIT: 'lots',
          DWELL_LEGACY_BEATS: 'maybe',
          DWELL_ALLOWED_ORIGINS: 'example.com',
          REDIS_URL: 'localhost:6379',
          DWELL_WEBHOOK_SECRET: 'hunter2',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of [
          'PORT',
          'DATABASE_URL',
          'DWELL_INTERVAL_MS',
          'DWELL_RATE_LIMIT',
          'DWELL_LEGACY_BEATS',
          'DWELL_ALLOWED_ORIGINS',
          'REDIS_URL',
          'DWELL_WEBHOOK_SECRET',
        ]) {
          assert.match(error.message, new RegExp(`${name}=`), name);
        }
        return true;
      },
    );
  });

  it('refuses a timeout shorter than two intervals', () => {
    assert.throws(
      () => loadConfig({ DWELL_INTERVAL_MS: '60000', DWELL_TIMEOUT_MS: '60000' }),
      /DWELL_TIMEOUT_MS/,
    );
  });
});

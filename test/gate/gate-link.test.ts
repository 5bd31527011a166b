// DWELL_GATE_VERIFY=link: a single-use, expiring link mailed through a real SMTP server on
// loopback — sent, opened once, refused twice.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { createMailer } from '../../src/server/gate/mailer.ts';
import { manualClock, type TestApp } from '../helper.ts';
import { buildGateApp, cookieHeader, cookieNamed } from './gate-helper.ts';
import { linkIn, type SmtpSink, startSmtpSink } from './smtp-sink.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('verification by emailed link', () => {
  const clock = manualClock();
  let smtp: SmtpSink;
  let t: TestApp;
  before(async () => {
    smtp = await startSmtpSink();
    t = await buildGateApp(
      {
        DWELL_GATE_VERIFY: 'link',
        SMTP_URL: smtp.url,
        DWELL_MAIL_FROM: 'Deals <deals@acme.test>',
        DWELL_PUBLIC_URL: 'https://docs.acme.test',
      },
      { clock: clock.now },
    );
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  const ask = async (email: string, next = '/confidential/deck.html') => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      headers: FORM,
      payload: new URLSearchParams({ email, next }).toString(),
    });
    return res;
  };
  const redeem = (token: string) =>
    t.app.inject({
      method: 'POST',
      url: '/access/verify',
      headers: { ...FORM, origin: 'https://docs.acme.test' },
      payload: new URLSearchParams({ token }).toString(),
    });

  test('the form sends a link instead of letting in; the link works once', async () => {
    const sent = await ask('Jane@Example.com');
    assert.equal(sent.statusCode, 200);
    assert.match(sent.body, /Check your inbox/);
    assert.equal(sent.cookies.length, 0, 'no access before the link is opened');
    const mail = smtp.messages.at(-1)!;
    assert.deepEqual(mail.to, ['jane@example.com']);
    assert.equal(mail.from, 'deals@acme.test');
    const link = linkIn(mail);
    assert.ok(link.startsWith('https://docs.acme.test/access/verify?token='), 'built from DWELL_PUBLIC_URL');
    const token = new URL(link).searchParams.get('token')!;

    // Opening the link shows a button; a mail scanner fetching it uses nothing up.
    const opened = await t.app.inject({ url: `/access/verify?token=${token}` });
    assert.equal(opened.statusCode, 200);
    assert.match(opened.body, /<button type="submit"/);
    assert.equal(opened.cookies.length, 0);

    const first = await redeem(token);
    assert.equal(first.statusCode, 303);
    assert.equal(first.headers.location, '/confidential/deck.html');
    const id = cookieNamed(first, 'session_record_id')!.value;
    assert.equal((await t.store.getSession(id))?.email, 'jane@example.com');
    const page = await t.app.inject({
      url: '/confidential/deck.html',
      headers: { cookie: cookieHeader(first) },
    });
    assert.equal(page.statusCode, 200);

    for (let i = 0; i < 2; i++) {
      const again = await redeem(token);
      assert.equal(again.statusCode, 410);
      assert.match(again.body, /already used/);
      assert.equal(again.cookies.length, 0);
    }
    const json = await t.app.inject({ method: 'POST', url: '/access/verify', payload: { token } });
    assert.equal(json.json().error.code, 'LINK_USED');
  });

  test('410 LINK_EXPIRED after DWELL_GATE_LINK_TTL (15 min by default)', async () => {
    await ask('kim@example.com');
    const token = new URL(linkIn(smtp.messages.at(-1)!)).searchParams.get('token')!;
    clock.advance(15 * 60_000);
    const res = await t.app.inject({ method: 'POST', url: '/access/verify', payload: { token } });
    assert.equal(res.statusCode, 410);
    assert.equal(res.json().error.code, 'LINK_EXPIRED');
  });

  test('404 LINK_NOT_FOUND for a made-up token, and a cross-origin redeem is refused', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/access/verify',
      payload: { token: 'x'.repeat(43) },
    });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'LINK_NOT_FOUND');
    const empty = await t.app.inject({ url: '/access/verify' });
    assert.equal(empty.statusCode, 404);
    await ask('lee@example.com');
    const token = new URL(linkIn(smtp.messages.at(-1)!)).searchParams.get('token')!;
    const cross = await t.app.inject({
      method: 'POST',
      url: '/access/verify',
      headers: { origin: 'https://evil.example' },
      payload: { token },
    });
    assert.equal(cross.json().error.code, 'CROSS_ORIGIN');
    assert.equal((await redeem(token)).statusCode, 303, 'the refused attempt did not use the link up');
  });

  test('JSON requests get 202 link_sent', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      payload: { email: 'mo@example.com' },
    });
    assert.equal(res.statusCode, 202);
    assert.equal(res.json().data.verification, 'link_sent');
  });
});

test('503 MAIL_UNAVAILABLE when the SMTP server cannot be reached', async () => {
  const smtp = await startSmtpSink();
  const url = smtp.url;
  await smtp.close();
  const t = await buildGateApp({ DWELL_GATE_VERIFY: 'link', SMTP_URL: url });
  try {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/verify-temp-access',
      payload: { email: 'a@example.com' },
    });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().error.code, 'MAIL_UNAVAILABLE');
  } finally {
    await t.close();
  }
});

test('without SMTP_URL the link is logged, with the email hashed, never in clear', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const mailer = createMailer({ smtpUrl: null, from: 'x@y.z', log: pino(sink) });
  await mailer.sendAccessLink({
    to: 'secret@example.com',
    link: 'https://d/access/verify?token=abc',
    expiresInMinutes: 15,
  });
  const line = lines.join('');
  assert.match(line, /access\/verify\?token=abc/);
  assert.match(line, /"to":"e:[0-9a-f]{12}"/);
  assert.doesNotMatch(line, /secret@example\.com/);
});

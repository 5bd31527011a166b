// Sends the one-time access link: through SMTP_URL with nodemailer, or, with no SMTP configured,
// into the log (development), where the link is the only way in.

import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import { emailRef } from '../../gate/email.ts';

export interface AccessLinkMail {
  to: string;
  link: string;
  expiresInMinutes: number;
}

export interface Mailer {
  sendAccessLink(mail: AccessLinkMail): Promise<void>;
}

export function createMailer(options: {
  smtpUrl: string | null;
  from: string;
  log: FastifyBaseLogger;
}): Mailer {
  const { smtpUrl, from, log } = options;
  if (!smtpUrl) {
    return {
      async sendAccessLink({ to, link }) {
        log.warn({ to: emailRef(to), link }, 'access link (no SMTP_URL configured, so it is only logged)');
      },
    };
  }
  // Short timeouts: the form waits for the send, and Fastify cuts requests off at 10 s.
  const transport = nodemailer.createTransport(smtpUrl, {
    connectionTimeout: 4_000,
    greetingTimeout: 4_000,
    socketTimeout: 6_000,
  });
  return {
    async sendAccessLink({ to, link, expiresInMinutes }) {
      await transport.sendMail({
        from,
        to,
        subject: 'Your access link',
        text: `Open the pages shared with you:\n\n${link}\n\nThe link works once and expires in ${expiresInMinutes} minutes. If you did not ask for it, ignore this email.\n`,
        html: `<p>Open the pages shared with you:</p><p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p><p>The link works once and expires in ${expiresInMinutes} minutes. If you did not ask for it, ignore this email.</p>`,
      });
      log.info({ to: emailRef(to) }, 'access link sent');
    },
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

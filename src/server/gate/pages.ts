// The gate's HTML pages: the email form, "check your inbox", the link's confirmation, and the
// bounce that re-enters the site same-site. Plain HTML, no JavaScript, errors inline and announced
// to screen readers, usable with a keyboard alone.

import { escapeHtml } from './mailer.ts';

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 18px/1.5 system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; color: #1f2328; }
  h1 { font-size: 1.5rem; } label { display: block; font-weight: 600; margin-bottom: .25rem; }
  input[type=email] { box-sizing: border-box; width: 100%; font: inherit; padding: .5rem; border: 2px solid #6b7280; border-radius: 6px; }
  input[aria-invalid=true] { border-color: #b91c1c; }
  button { margin-top: 1rem; font: inherit; padding: .5rem 1.25rem; border: 0; border-radius: 6px; background: #1d4ed8; color: #fff; cursor: pointer; }
  :focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  .error { color: #b91c1c; margin: .5rem 0 0; } .hint { color: #4b5563; font-size: .95rem; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export function accessFormPage(options: {
  next: string;
  email?: string;
  error?: string;
  verify: boolean;
}): string {
  const { next, email = '', error, verify } = options;
  const errorBlock = error ? `<p id="email-error" class="error" role="alert">${escapeHtml(error)}</p>` : '';
  const described = error ? 'email-hint email-error' : 'email-hint';
  const hint = verify
    ? 'We will email you a link that opens the pages.'
    : 'Your email is recorded with the pages you view and for how long.';
  return layout(
    'Enter your email to continue',
    `<h1>Enter your email to continue</h1>
<form method="post" action="/api/verify-temp-access" novalidate>
  <input type="hidden" name="next" value="${escapeHtml(next)}">
  <label for="email">Email address</label>
  <input id="email" name="email" type="email" autocomplete="email" inputmode="email" required
    value="${escapeHtml(email)}" aria-describedby="${described}"${error ? ' aria-invalid="true" autofocus' : ''}>
  ${errorBlock}
  <p id="email-hint" class="hint">${hint}</p>
  <button type="submit">Continue</button>
</form>`,
  );
}

export function checkInboxPage(minutes: number, next: string): string {
  return layout(
    'Check your inbox',
    `<h1>Check your inbox</h1>
<p role="status">We sent you a link that opens the pages. It works once and expires in ${minutes} minutes.</p>
<p class="hint">No email? Check your spam folder, or <a href="/access?next=${encodeURIComponent(next)}">try again</a>.</p>`,
  );
}

/** The link's landing page: opening it changes nothing, so mail scanners that fetch links cannot use it up. */
export function confirmLinkPage(token: string): string {
  return layout(
    'Open the shared pages',
    `<h1>Open the shared pages</h1>
<form method="post" action="/access/verify">
  <input type="hidden" name="token" value="${escapeHtml(token)}">
  <button type="submit" autofocus>Open the pages</button>
</form>`,
  );
}

export function linkErrorPage(message: string): string {
  return layout(
    'This link cannot be used',
    `<h1>This link cannot be used</h1>
<p role="alert">${escapeHtml(message)}</p>
<p><a href="/access">Ask for a new link</a></p>`,
  );
}

/**
 * Arriving from another site (a link in webmail), the browser withholds SameSite=Strict cookies:
 * this page re-requests the same URL from our own origin, where they are sent. No loop: the
 * second request is same-origin, so it is never bounced again.
 */
export function bouncePage(url: string): string {
  const target = escapeHtml(url);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0;url=${target}"><title>Opening…</title></head>
<body><p><a href="${target}">Continue</a></p></body></html>`;
}

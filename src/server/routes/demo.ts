// The demo site `npm start` shows at `/`: two article pages that embed the tracker, so a newcomer
// watches their own reading time land in the store (and on the dashboard) within seconds; their parts
// are marked data-dwell-section, so the dashboard's attention map shows which part was read.

import type { FastifyPluginAsync } from 'fastify';

const pages: Record<string, { title: string; body: string }> = {
  '/': {
    title: 'Dwell demo — how long did you really look at this page?',
    body: `
      <section data-dwell-section="what it does">
      <p class="lede">This page embeds <code>/dwell.js</code>. While it is visible and you are here, it sends a
      small "still here" beat; when you switch tabs it stops counting at once; when you close it, a last
      beat goes out with <code>navigator.sendBeacon</code>.</p>
      </section>
      <section data-dwell-section="try it">
      <h2>Try it</h2>
      <ol>
        <li>Read for a while, switch to another tab for a bit, come back.</li>
        <li>Go to <a href="/demo/pricing">the second page</a>: the same session continues, time is credited per page.</li>
        <li>Open the <a href="/dashboard">dashboard</a> (sign in with the admin token the server printed on first start).</li>
        <li>Each part of this page is marked <code>data-dwell-section</code>: the dashboard's page view shows which part you read.</li>
      </ol>
      </section>
      <section data-dwell-section="what the server does">
      <h2>What the server does with a beat</h2>
      <p>It credits the engaged time the tracker measured, but never more than the wall clock allows since the
      session started. Two beats a second apart add about a second — not 60, as the design Dwell replaced did.</p>
      </section>
      <p id="dwell-status" aria-live="polite"></p>`,
  },
  '/demo/pricing': {
    title: 'Dwell demo — a second page',
    body: `
      <p class="lede">Same session, new page. The time you spend here is credited to <code>/demo/pricing</code>,
      the time before to <code>/</code>.</p>
      <p>Scroll down: the deepest scroll position per page is recorded too, and the time spent on each plan
      (each is marked <code>data-dwell-section</code>).</p>
      ${['starter', 'team', 'enterprise']
        .map(
          (plan) =>
            `<section data-dwell-section="${plan}" class="plan"><h2>${plan[0]!.toUpperCase()}${plan.slice(1)}</h2>
            <p>Everything a ${plan} needs. Read on, or stay a while: this box counts its own reading time.</p></section>`,
        )
        .join('')}
      <p><a href="/">Back to the first page</a></p>`,
  },
};

function render(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
  body { font: 18px/1.6 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; }
  h1 { font-size: 1.8rem; line-height: 1.25; } .lede { font-size: 1.15rem; color: #374151; }
  code { background: #f3f4f6; padding: 0 .25em; border-radius: 4px; } a { color: #1d4ed8; }
  .plan { min-height: 70vh; margin: 1.5rem 0; padding: 1rem 1.5rem; border: 1px solid #e5e7eb; border-radius: 12px; }
</style>
<script src="/dwell.js" data-debug="false" defer></script>
</head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

export const demoRoutes: FastifyPluginAsync = async (app) => {
  for (const [path, page] of Object.entries(pages)) {
    const html = render(page.title, page.body);
    app.get(path, { schema: { hide: true } }, (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(html),
    );
  }
};

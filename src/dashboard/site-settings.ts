// A site's settings (issue #23): its name, hosts, time zone and origins, its email gate, its tokens
// and shared links (site-access.ts), and removing it. Each form sends only what it changes (PATCH),
// and shows the API's refusal next to itself.

import { api, request } from './api.ts';
import { errorSlot, field, input, lines, onSubmit, textarea, timeZoneList } from './form.ts';
import { h, number } from './format.ts';
import { shareLinks, siteTokens } from './site-access.ts';
import type { Site, Stats } from './types.ts';

export interface SettingsPage {
  site: Site;
  refresh: (note?: string) => void;
}

const sitePath = (site: Site) => `sites/${encodeURIComponent(site.id)}`;
const sameList = (a: string[], b: string[]) => a.join('\n') === b.join('\n');

export async function siteSettings(root: HTMLElement, page: SettingsPage) {
  const { site } = page;
  const [tokens, links] = await Promise.all([siteTokens(site), shareLinks(site)]);
  root.replaceChildren(
    h('h1', {}, `${site.name}: settings`),
    h('p', { class: 'muted' }, `Site id ${site.id}: the site= of the API and the CLI's --site.`),
    h(
      'div',
      { class: 'grid-2' },
      detailsForm(page),
      h('div', { class: 'stack' }, gateForm(page), removeSite(page)),
    ),
    h('div', { class: 'grid-2' }, tokens, links),
  );
}

function detailsForm({ site, refresh }: SettingsPage) {
  const name = input('name', site.name, { required: true });
  const hosts = textarea('hosts', site.hosts.join('\n'));
  const timeZone = input('timeZone', site.timeZone, { list: 'settings-zones', required: true });
  const origins = textarea('origins', site.customOrigins ? site.origins.join('\n') : '');
  origins.placeholder = site.origins.join('\n');
  const form = h(
    'form',
    { class: 'card stack', 'aria-labelledby': 'site-details' },
    h('h2', { id: 'site-details' }, 'Site'),
    field('Name', name),
    field('Hosts', hosts, 'One a line, the main one first; a host may have a path (bio.re/alice).'),
    field(
      'Time zone',
      timeZone,
      'Days start at midnight there. Changing it moves every stored session to its day in the new zone.',
    ),
    timeZoneList('settings-zones'),
    field(
      'Origins',
      origins,
      'Allowed to send beats, one a line. Empty: its hosts over https (shown greyed).',
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, 'Save')),
    errorSlot(),
  ) as HTMLFormElement;
  onSubmit(form, async () => {
    const next = { hosts: lines(hosts.value), origins: lines(origins.value) };
    const patch = {
      ...(name.value.trim() !== site.name ? { name: name.value.trim() } : {}),
      ...(sameList(next.hosts, site.hosts) ? {} : { hosts: next.hosts }),
      ...(timeZone.value.trim() !== site.timeZone ? { timeZone: timeZone.value.trim() } : {}),
      ...(sameList(next.origins, site.customOrigins ? site.origins : [])
        ? {}
        : { origins: next.origins.length ? next.origins : null }),
    };
    if (Object.keys(patch).length === 0) return refresh('Nothing to save: no field changed.');
    await request<Site>('PATCH', sitePath(site), { body: patch });
    refresh(`Saved ${Object.keys(patch).join(', ')}.`);
  });
  return form;
}

/** The email gate of the site's gated pages: who may read them, and whether the email is checked. */
function gateForm({ site, refresh }: SettingsPage) {
  const allow = textarea('gate.allow', (site.gate.allow ?? []).join('\n'));
  allow.placeholder = 'ana@example.com\n@example.com';
  const verify = h(
    'select',
    { name: 'gate.verify' },
    ...[
      ['', "the server's default"],
      ['off', 'no: any email opens the page'],
      ['link', 'yes: a link is emailed first'],
    ].map(([value, label]) =>
      h(
        'option',
        { value: value!, ...(value === (site.gate.verify ?? '') ? { selected: true } : {}) },
        label!,
      ),
    ),
  ) as HTMLSelectElement;
  const form = h(
    'form',
    { class: 'card stack', 'aria-labelledby': 'site-gate' },
    h('h2', { id: 'site-gate' }, 'Email gate'),
    field(
      'Who may read gated pages',
      allow,
      'Emails or @domains, one a line. Empty: anyone who gives an email.',
    ),
    field('Verify the email', verify),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, 'Save gate')),
    errorSlot(),
  ) as HTMLFormElement;
  onSubmit(form, async () => {
    const list = lines(allow.value);
    const gate = {
      ...(list.length ? { allow: list } : {}),
      ...(verify.value ? { verify: verify.value } : {}),
    };
    await request<Site>('PATCH', sitePath(site), { body: { gate: Object.keys(gate).length ? gate : null } });
    refresh('Saved the email gate.');
  });
  return form;
}

/** Removing a site takes its sessions with it: the confirmation says how many. */
function removeSite({ site, refresh }: SettingsPage) {
  const box = h('section', { class: 'card danger', 'aria-labelledby': 'remove-site' });
  const start = h(
    'button',
    { type: 'button', class: 'button danger' },
    'Remove this site…',
  ) as HTMLButtonElement;
  const slot = errorSlot();
  box.append(
    h('h2', { id: 'remove-site' }, 'Remove the site'),
    h('p', { class: 'muted' }, 'Its sessions, tokens and shared links go with it. This cannot be undone.'),
    start,
    slot,
  );
  start.addEventListener('click', async () => {
    start.disabled = true;
    // The sessions a removal takes: the stats of the longest range the API answers (ten years).
    const from = new Date(Date.now() - 3_650 * 86_400_000).toISOString();
    const { sessions } = await api<Stats>('stats', { site: site.id, from }).catch(() => ({ sessions: NaN }));
    const count = Number.isNaN(sessions)
      ? 'all its sessions'
      : `${number(sessions)} ${sessions === 1 ? 'session' : 'sessions'}`;
    const confirm = h(
      'button',
      { type: 'button', class: 'button danger' },
      `Remove ${site.name} and ${count}`,
    );
    const cancel = h('button', { type: 'button', class: 'button secondary small' }, 'Cancel');
    const question = h(
      'div',
      { class: 'confirm', role: 'alertdialog', 'aria-labelledby': 'remove-question' },
      h('p', { id: 'remove-question' }, `Remove ${site.name} (${site.id}) with ${count}?`),
      h('div', { class: 'actions' }, confirm, cancel),
    );
    cancel.addEventListener('click', () => {
      question.remove();
      start.disabled = false;
      start.focus();
    });
    confirm.addEventListener('click', async () => {
      try {
        const gone = await request<{ sessions: number }>('DELETE', sitePath(site));
        // The site is no longer in the URL's ?site=: back to the Sites page of this dashboard.
        history.replaceState(null, '', `${location.pathname}#/sites`);
        refresh(`Removed ${site.name} and its ${number(gone.sessions)} sessions.`);
      } catch (error) {
        slot.textContent = (error as Error).message;
        slot.hidden = false;
      }
    });
    start.after(question);
    confirm.focus();
  });
  return box;
}

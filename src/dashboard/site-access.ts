// Who else may read a site (issue #23): its read-only tokens and its shared links. Each is shown
// once when it is made (Dwell keeps only a hash of it), listed with when it was last used, and
// revoked after a confirmation in place.

import { request } from './api.ts';
import { errorSlot, field, input, onSubmit } from './form.ts';
import { h, lastUsed, when } from './format.ts';
import type { ShareLink, Site, SiteToken } from './types.ts';

interface Kind<T> {
  /** tokens | links: the API's path under the site, and the section's id. */
  path: 'tokens' | 'links';
  title: string;
  intro: string;
  empty: string;
  noun: string;
  columns: string[];
  cells: (item: T) => (string | Node)[];
  fields: () => { inputs: HTMLElement[]; body: () => Record<string, string | undefined> };
  /** What is shown once after making one. */
  secret: (created: T & Record<string, string>) => { label: string; value: string; href?: string };
}

const TOKENS: Kind<SiteToken> = {
  path: 'tokens',
  title: 'Tokens',
  intro: "A token reads this site's data through the API (Authorization: Bearer …), and nothing else.",
  empty: 'No tokens.',
  noun: 'token',
  columns: ['Name', 'Created', 'Last used'],
  cells: (t) => [t.name, when(t.createdAt), lastUsed(t.lastUsedAt)],
  fields() {
    const name = input('name', '', { placeholder: 'Client dashboard', maxlength: '100' });
    return {
      inputs: [field('Name (optional)', name)],
      body: () => ({ name: name.value.trim() || undefined }),
    };
  },
  secret: (created) => ({ label: 'The new token', value: created.token ?? '' }),
};

const LINKS: Kind<ShareLink> = {
  path: 'links',
  title: 'Shared links',
  intro: 'A shared link shows anyone who has it this site’s figures, charts and pages: never a person.',
  empty: 'No shared links.',
  noun: 'link',
  columns: ['Name', 'Password', 'Created', 'Last used'],
  cells: (l) => [l.name, l.hasPassword ? 'yes' : 'no', when(l.createdAt), lastUsed(l.lastUsedAt)],
  fields() {
    const name = input('name', '', { placeholder: 'For the client', maxlength: '100' });
    const password = input('password', '', {
      type: 'password',
      autocomplete: 'new-password',
      minlength: '8',
    });
    return {
      inputs: [
        field('Name (optional)', name),
        field('Password (optional)', password, 'At least 8 characters.'),
      ],
      // Left out when empty (JSON drops undefined): the API names them itself.
      body: () => ({ name: name.value.trim() || undefined, password: password.value || undefined }),
    };
  },
  secret: (created) => {
    const url = `${location.origin}${created.url ?? ''}`;
    return { label: 'The new link', value: url, href: url };
  },
};

export const siteTokens = (site: Site) => accessSection(site, TOKENS);
export const shareLinks = (site: Site) => accessSection(site, LINKS);

async function accessSection<T extends { id: string; name: string }>(site: Site, kind: Kind<T>) {
  const base = `sites/${encodeURIComponent(site.id)}/${kind.path}`;
  const section = h('section', {
    class: 'card stack',
    id: `site-${kind.path}`,
    'aria-labelledby': `${kind.path}-title`,
  });
  const list = h('div', {});
  const shown = h('div', { 'aria-live': 'polite' });
  const reload = async () => {
    const { items } = await request<{ items: T[] }>('GET', base);
    list.replaceChildren(items.length === 0 ? h('p', { class: 'muted' }, kind.empty) : table(items));
  };
  const table = (items: T[]) =>
    h(
      'table',
      { class: 'table access' },
      h('thead', {}, h('tr', {}, ...kind.columns.map((c) => h('th', { scope: 'col' }, c)), h('td', {}))),
      h(
        'tbody',
        {},
        ...items.map((item) => {
          const actions = h('td', { class: 'row-actions' });
          const revoke = h(
            'button',
            { type: 'button', class: 'button secondary small', 'aria-label': `Revoke ${item.name}` },
            'Revoke',
          );
          revoke.addEventListener('click', () => confirmRevoke(actions, item, revoke));
          actions.append(revoke);
          return h('tr', { 'data-id': item.id }, ...kind.cells(item).map((c) => h('td', {}, c)), actions);
        }),
      ),
    );
  const confirmRevoke = (cell: HTMLElement, item: T, revoke: HTMLElement) => {
    const yes = h('button', { type: 'button', class: 'button danger small' }, `Yes, revoke ${item.name}`);
    const no = h('button', { type: 'button', class: 'button secondary small' }, 'Keep');
    no.addEventListener('click', () => cell.replaceChildren(revoke));
    yes.addEventListener('click', async () => {
      try {
        await request('DELETE', `${base}/${encodeURIComponent(item.id)}`);
        shown.replaceChildren(
          h('p', { class: 'flash', role: 'status' }, `Revoked ${item.name}: refused from now on.`),
        );
        await reload();
      } catch (error) {
        cell.replaceChildren(h('span', { class: 'error' }, (error as Error).message));
      }
    });
    cell.replaceChildren(yes, no);
    yes.focus();
  };
  const { inputs, body } = kind.fields();
  const form = h(
    'form',
    { class: 'stack inline-form' },
    ...inputs,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button' }, `Create a ${kind.noun}`)),
    errorSlot(),
  ) as HTMLFormElement;
  onSubmit(form, async () => {
    const created = await request<T & Record<string, string>>('POST', base, { body: body() });
    const secret = kind.secret(created);
    form.reset();
    shown.replaceChildren(
      h(
        'div',
        { class: 'secret', role: 'status' },
        h('p', {}, `${secret.label}, ${created.name}: copy it now, it is shown only this once.`),
        h(
          'output',
          { class: 'secret-value' },
          secret.href
            ? h('a', { href: secret.href, target: '_blank', rel: 'noopener' }, secret.value)
            : secret.value,
        ),
      ),
    );
    await reload();
  });
  await reload();
  section.append(
    h('h2', { id: `${kind.path}-title` }, kind.title),
    h('p', { class: 'muted' }, kind.intro),
    shown,
    list,
    form,
  );
  return section;
}

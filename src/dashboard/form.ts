// The forms of the Sites and settings pages: labelled fields, and an API failure shown next to the
// form that caused it (a 400 names the field at fault, which is then marked invalid; a 409 says
// which site already has a host).

import { ApiError, Unauthorized } from './api.ts';
import { h } from './format.ts';

type Attrs = Record<string, string | boolean>;

/** A labelled input; `name` is the API's field, so an error naming it can point at it. */
export function field(label: string, control: HTMLElement, hint?: string) {
  const id = `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintEl = hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

export const input = (name: string, value = '', attrs: Attrs = {}) =>
  h('input', { name, value, autocomplete: 'off', ...attrs }) as HTMLInputElement;

export function textarea(name: string, value: string, rows = 3) {
  const el = h('textarea', { name, rows: String(rows), spellcheck: false }) as HTMLTextAreaElement;
  el.value = value;
  return el;
}

/** Hosts, origins, emails: one a line (commas and spaces separate them too). */
export const lines = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The IANA names the browser knows, for a time zone field's suggestions. */
export function timeZoneList(id: string) {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return h('datalist', { id }, ...['UTC', ...zones].map((zone) => h('option', { value: zone })));
}

export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The place a form's failure is shown: after its submit button, read out when it changes. */
export function errorSlot() {
  return h('p', { class: 'error form-error', role: 'alert', hidden: true });
}

/**
 * Runs `action` on submit with the button disabled; an ApiError (or a refused token) is shown in
 * the form's error slot, and the field its message names is marked invalid.
 */
export function onSubmit(form: HTMLFormElement, action: () => Promise<void>) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const slot = form.querySelector<HTMLElement>('.form-error');
    const buttons = [...form.querySelectorAll<HTMLButtonElement>('button')];
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    if (slot) slot.hidden = true;
    for (const b of buttons) b.disabled = true;
    action()
      .catch((error: unknown) => {
        if (!slot) throw error;
        slot.textContent = message(error);
        slot.hidden = false;
        if (error instanceof ApiError) markField(form, error.message);
      })
      .finally(() => {
        for (const b of buttons) b.disabled = false;
      });
  });
}

function message(error: unknown): string {
  if (error instanceof Unauthorized) return 'The token was refused: sign in again.';
  if (error instanceof ApiError && error.status === 409) return `Conflict: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** "hosts[1] is not a host", "body/name must…", "gate.allow[0] …": the field is the first word. */
function markField(form: HTMLFormElement, text: string) {
  const name = text.replace(/^(body|querystring)\//, '').split(/[\s[/]/)[0] ?? '';
  const control = [...form.elements].find(
    (el) => el instanceof HTMLElement && el.getAttribute('name') === name,
  ) as HTMLElement | undefined;
  control?.setAttribute('aria-invalid', 'true');
}

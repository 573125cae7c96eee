// DOM helpers of the companion authenticator page: filling the <template>s of
// example-app/views/authenticator.ejs. No inline scripts or styles (the page runs under a strict CSP).
import type { PendingChallenge } from '../../src/authenticator/index.js';

let nextId = 0;

/** A copy of the page's <template id=...> first element. */
function fromTemplate(id: string): HTMLElement {
  const template = document.getElementById(id) as HTMLTemplateElement;
  return (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
}

/** The element inside `root` marked data-field="name". */
export function field<T extends HTMLElement = HTMLElement>(root: HTMLElement, name: string): T {
  return root.querySelector(`[data-field="${name}"]`) as T;
}

/** "Chrome on Linux" from a user agent string: what a person recognises as their browser. */
export function browserSummary(userAgent: string | null): string {
  if (!userAgent) return 'Unknown browser';
  const browser = /Edg\//.test(userAgent) ? 'Edge'
    : /Firefox\//.test(userAgent) ? 'Firefox'
      : /Chrome\/|CriOS\//.test(userAgent) ? 'Chrome'
        : /Safari\//.test(userAgent) ? 'Safari' : 'A browser';
  const os = /Android/.test(userAgent) ? 'Android'
    : /iPhone|iPad/.test(userAgent) ? 'iOS'
      : /Windows/.test(userAgent) ? 'Windows'
        : /Mac OS X/.test(userAgent) ? 'macOS'
          : /Linux|X11/.test(userAgent) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "123 456": one-time codes read more easily in two halves. */
export function formatCode(code: string): string {
  const half = Math.ceil(code.length / 2);
  return `${code.slice(0, half)} ${code.slice(half)}`;
}

/** The card of one sign-in request: its context, the number field, the PIN field when required. */
export function requestCard(challenge: PendingChallenge): HTMLElement {
  const card = fromTemplate('auth-request-template');
  const title = card.querySelector('h2')!;
  title.id = `auth-request-${++nextId}`;
  card.setAttribute('aria-labelledby', title.id);
  card.querySelector('.auth-request-account')!.textContent = `${challenge.issuer} · ${challenge.accountName}`;
  field(card, 'app').textContent = challenge.issuer;
  field(card, 'ip').textContent = challenge.context.ip ?? 'Unknown';
  field(card, 'browser').textContent = browserSummary(challenge.context.userAgent);
  field(card, 'time').textContent = formatTime(challenge.context.time);
  for (const name of ['number', 'pin']) {
    const input = field<HTMLInputElement>(card, name);
    input.id = `auth-${name}-${nextId}`;
    card.querySelector(`[data-for="${name}"]`)!.setAttribute('for', input.id);
  }
  const number = field<HTMLInputElement>(card, 'number');
  number.maxLength = challenge.numberDigits;
  number.placeholder = '0'.repeat(challenge.numberDigits);
  if (challenge.pinRequired) {
    const pin = field<HTMLInputElement>(card, 'pin');
    pin.hidden = false;
    pin.required = true;
    card.querySelector('[data-for="pin"]')!.removeAttribute('hidden');
  }
  return card;
}

/** One row of the account list: who it is for, the current code and a countdown. */
export function accountRow(issuer: string, accountName: string): HTMLElement {
  const row = fromTemplate('auth-account-template');
  row.querySelector('.auth-avatar')!.textContent = issuer.slice(0, 1).toUpperCase();
  row.querySelector('.auth-issuer')!.textContent = issuer;
  row.querySelector('.auth-name')!.textContent = accountName;
  return row;
}

/** Shows the code and the seconds left; the ring empties as the code ages (CSSOM, allowed by the CSP). */
export function showCode(row: HTMLElement, code: string, secondsLeft: number, period: number): void {
  row.querySelector('.auth-code')!.textContent = formatCode(code);
  const timer = row.querySelector('.auth-timer') as HTMLElement;
  timer.querySelector('.auth-seconds')!.textContent = String(secondsLeft);
  timer.setAttribute('aria-label', `${secondsLeft} seconds left`);
  timer.style.setProperty('--auth-left', String(secondsLeft / period));
  timer.classList.toggle('auth-timer-low', secondsLeft <= 5);
}

// The companion authenticator page ("the phone", /authenticator): adds accounts from a QR code or
// Code + URL, waits for sign-in requests (long-poll through the client library), answers them,
// and shows the offline one-time codes. Keys stay in IndexedDB as non-extractable CryptoKeys.
import { AuthenticatorClient, AuthenticatorError, IndexedDbAccountStore } from '../../src/authenticator/index.js';
import type { AuthenticatorAccount, Decision, PendingChallenge, TotpGenerator } from '../../src/authenticator/index.js';
import { accountRow, browserSummary, field, requestCard, showCode } from './authenticator-view.js';
import { PollSlots } from './poll-slots.js';

/** The camera QR reader, where the browser has one (Chrome on Android and macOS, not desktop Linux). */
interface BarcodeDetectorApi {
  new (options: { formats: string[] }): { detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>> };
  getSupportedFormats(): Promise<string[]>;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// otplib's browser build (loaded before this module) computes the codes; the library imports nothing.
const otplib = (globalThis as { otplib?: { generate: TotpGenerator } }).otplib;
const client = new AuthenticatorClient({ store: new IndexedDbAccountStore(), totp: otplib?.generate });

let accounts: AuthenticatorAccount[] = [];
const polling = new Set<string>();
const cards = new Map<string, HTMLElement>();
/**
 * How often an account with a request on screen asks again: the server answers at once while a
 * request is open, so a waiting long-poll cannot tell of a second request or of one answered in
 * another app until then (the server's own re-read interval, 2 s by default).
 */
const RECHECK_MS = 2000;
/** Per device id: asks that account's poller to look again now (one of its requests was answered or expired). */
const recheck = new Map<string, () => void>();
/** Two of the browser's six connections to an origin stay free, for answers and the app's own tabs. */
const slots = new PollSlots(4);
/**
 * The long-poll's wait while every account of an origin has a slot to itself; once they fill the
 * slots, short turns, so that an account added next, or waiting in line, is served within one.
 */
const WAIT_SECONDS = 25;
const TURN_SECONDS = 5;

type Tone = 'ok' | 'info' | 'error';
const TONE_CLASS: Record<Tone, string> = { ok: 'mfa-success', info: 'mfa-note', error: 'mfa-error' };

function status(message: string, tone: Tone = 'ok'): void {
  const box = $('auth-status');
  box.textContent = message;
  box.className = `auth-status ${TONE_CLASS[tone]}`;
}

// ---- Accounts and one-time codes --------------------------------------------------------------

async function loadAccounts(): Promise<void> {
  accounts = await client.accounts();
  const list = $('auth-accounts');
  list.replaceChildren(...accounts.map((a) => accountRow(a.issuer, a.accountName)));
  $('auth-empty').hidden = accounts.length > 0;
  await tick();
  for (const account of accounts) if (!polling.has(account.deviceId)) void poll(account);
}

async function tick(): Promise<void> {
  const codes = await client.codes();
  const rows = $('auth-accounts').children;
  codes.forEach((c, i) => {
    const row = rows[i] as HTMLElement | undefined;
    if (row && accounts[i]) showCode(row, c.code, c.secondsLeft, accounts[i]!.totp.period);
  });
}

// ---- Sign-in requests ------------------------------------------------------------------------

async function poll(account: AuthenticatorAccount): Promise<void> {
  polling.add(account.deviceId);
  for (;;) {
    let challenges: PendingChallenge[];
    try {
      const sharing = accounts.filter((a) => a.origin === account.origin).length >= slots.perOrigin;
      challenges = await slots.run(account.origin, () => client.waitForChallenges(account, sharing ? TURN_SECONDS : WAIT_SECONDS));
    } catch (error) {
      if (error instanceof AuthenticatorError && error.code === 'device_disabled') {
        status(`${account.issuer} (${account.accountName}) is disabled after too many wrong PINs. Set it up again from your browser.`, 'error');
        return;
      }
      await pause(3000);
      continue;
    }
    showRequests(account, challenges);
    if (challenges.length > 0) {
      await new Promise<void>((resolve) => {
        recheck.set(account.deviceId, resolve);
        setTimeout(resolve, RECHECK_MS);
      });
      recheck.delete(account.deviceId);
    }
  }
}

function showRequests(account: AuthenticatorAccount, challenges: PendingChallenge[]): void {
  const open = new Set(challenges.map((c) => c.id));
  for (const [id, card] of cards) {
    if (card.dataset.device === account.deviceId && !open.has(id)) dropCard(id);
  }
  for (const challenge of challenges) {
    if (cards.has(challenge.id)) continue;
    const card = requestCard(challenge);
    card.dataset.device = account.deviceId;
    wireCard(card, account, challenge);
    cards.set(challenge.id, card);
    $('auth-requests').append(card);
    status('');
    setTimeout(() => dropCard(challenge.id), Math.max(0, challenge.expiresAt - Date.now()));
    if (cards.size === 1) field<HTMLInputElement>(card, 'number').focus();
  }
}

/** Removes a request's card; its account's poller then looks again at once, for the next request. */
function dropCard(id: string): void {
  const card = cards.get(id);
  if (!card) return;
  card.remove();
  cards.delete(id);
  recheck.get(card.dataset.device!)?.();
}

function wireCard(card: HTMLElement, account: AuthenticatorAccount, challenge: PendingChallenge): void {
  const form = card.querySelector('form')!;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void answer(card, account, challenge, 'approve');
  });
  card.querySelectorAll<HTMLButtonElement>('button[type=button][data-decision]').forEach((button) => {
    button.addEventListener('click', () => void answer(card, account, challenge, button.dataset.decision as Decision));
  });
  // "This wasn't me" pauses the account's sign-ins, so it asks first, in the card itself.
  const ask = card.querySelector<HTMLButtonElement>('[data-fraud-ask]')!;
  const confirm = card.querySelector<HTMLElement>('[data-fraud-confirm]')!;
  const showConfirm = (open: boolean) => {
    confirm.hidden = !open;
    ask.hidden = open;
    ask.setAttribute('aria-expanded', String(open));
    (open ? confirm.querySelector<HTMLButtonElement>('[data-decision=fraud]')! : ask).focus();
  };
  ask.addEventListener('click', () => showConfirm(true));
  card.querySelector('[data-fraud-cancel]')!.addEventListener('click', () => showConfirm(false));
}

const OUTCOME: Record<string, string> = {
  approved: 'Sign-in approved. You can go back to your browser.',
  denied: 'Sign-in denied.',
  reported: 'Thanks for reporting it. Sign-in requests for this account are paused, and your password may be known to someone else: change it.',
};

async function answer(card: HTMLElement, account: AuthenticatorAccount, challenge: PendingChallenge, decision: Decision): Promise<void> {
  const buttons = card.querySelectorAll('button');
  buttons.forEach((b) => (b.disabled = true));
  const pin = field<HTMLInputElement>(card, 'pin');
  try {
    const result = await client.answer(account, challenge.id, decision, {
      number: field<HTMLInputElement>(card, 'number').value,
      pin: !pin.hidden && decision === 'approve' ? pin.value : undefined,
    });
    dropCard(challenge.id);
    // A denial or a report is what the user asked for, but not a success: it is not shown in green.
    status(OUTCOME[result] ?? `Answer sent (${result}).`, result === 'approved' ? 'ok' : 'info');
  } catch (thrown) {
    const code = thrown instanceof AuthenticatorError ? thrown.code : '';
    dropCard(challenge.id);
    const left = thrown instanceof AuthenticatorError ? thrown.attemptsLeft : undefined;
    status(code === 'number_mismatch' ? "That number didn't match the one in your browser, so the sign-in was blocked. Start again from your browser."
      : code === 'pin_incorrect' ? `That PIN is not correct, so the sign-in was blocked.${left === undefined ? '' : ` ${left} ${left === 1 ? 'attempt' : 'attempts'} left before this account is disabled.`} Start again from your browser.`
      : code === 'challenge_unavailable' ? 'That request is no longer available: it expired or was already answered.'
        : code === 'device_disabled' ? 'This account is disabled after too many wrong PINs. Set it up again from your browser.'
          : `Could not send the answer: ${thrown instanceof Error ? thrown.message : String(thrown)}`, 'error');
  }
}

// ---- Adding an account -----------------------------------------------------------------------

function openPanel(open: boolean): void {
  $('auth-add-panel').hidden = !open;
  $('auth-add').setAttribute('aria-expanded', String(open));
  if (!open) {
    stopCamera();
    $('auth-manual').hidden = true;
    $('auth-manual-open').hidden = false;
    $<HTMLFormElement>('auth-manual').reset();
    $('auth-add-error').hidden = true;
  }
}

async function addAccount(input: string | { code: string; url: string }): Promise<void> {
  const error = $('auth-add-error');
  error.hidden = true;
  try {
    const account = await client.activate(input, `Web authenticator (${browserSummary(navigator.userAgent)})`.slice(0, 64));
    openPanel(false);
    status(`Account added: ${account.issuer} (${account.accountName}). Go back to your browser and select Contact me.`);
    await loadAccounts();
  } catch (thrown) {
    const code = thrown instanceof AuthenticatorError ? thrown.code : '';
    error.textContent = code === 'activation_failed' ? 'That code did not work: it is wrong, used or expired. In your browser, select Set up again for a new one.'
      : code === 'rate_limited' ? 'Too many attempts. Wait a few minutes and try again.'
        : thrown instanceof Error ? thrown.message : String(thrown);
    error.hidden = false;
    $('auth-manual').hidden = false;
  }
}

let camera: MediaStream | null = null;

function stopCamera(): void {
  camera?.getTracks().forEach((t) => t.stop());
  camera = null;
  $('auth-camera').hidden = true;
}

async function scan(Detector: BarcodeDetectorApi): Promise<void> {
  const video = $<HTMLVideoElement>('auth-camera');
  try {
    camera = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
  } catch {
    status('The camera is not available. Select "Enter account manually" instead.', 'error');
    return;
  }
  video.srcObject = camera;
  video.hidden = false;
  await video.play();
  const detector = new Detector({ formats: ['qr_code'] });
  while (camera) {
    const [found] = await detector.detect(video).catch(() => []);
    if (found) {
      stopCamera();
      return addAccount(found.rawValue);
    }
    await pause(200);
  }
}

async function offerScanning(): Promise<void> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorApi }).BarcodeDetector;
  if (!Detector || !navigator.mediaDevices?.getUserMedia) return;
  if (!(await Detector.getSupportedFormats()).includes('qr_code')) return;
  const button = $('auth-scan');
  button.hidden = false;
  button.addEventListener('click', () => void scan(Detector));
}

$('auth-add').addEventListener('click', () => openPanel($('auth-add-panel').hidden));
$('auth-add-cancel').addEventListener('click', () => openPanel(false));
$('auth-manual-open').addEventListener('click', () => {
  $('auth-manual-open').hidden = true;
  $('auth-manual').hidden = false;
  $('auth-code').focus();
});
$('auth-manual').addEventListener('submit', (event) => {
  event.preventDefault();
  void addAccount({ code: $<HTMLInputElement>('auth-code').value, url: $<HTMLInputElement>('auth-url').value });
});

void offerScanning();
void loadAccounts();
setInterval(() => void tick(), 1000);

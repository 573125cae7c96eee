import { nextSetupStep } from './setup-wizard.js';
import request from 'supertest';
import { AuthenticatorClient } from '../../src/authenticator/client.js';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import { MemoryAccountStore } from '../../src/authenticator/account-store.js';
import { buildEnrollmentUri } from '../../src/push/enrollment-uri.js';
import type { ExampleAppOptions } from '../../example-app/app.js';
import { startHarness } from './harness.js';
import type { Agent, HarnessSetup } from './harness.js';
import { listenOnLocalhost } from './local-server.js';
import { postForm } from './mfa-flow.js';
import { cookieHeaderOf } from './session-cookie.js';

/** A fetch that records every request it sends, so tests can replay or tamper with them. */
export interface RecordedRequest {
  url: string;
  init: RequestInit & { headers: Record<string, string> };
}

/**
 * The example app listening on 127.0.0.1 (devices need a real origin), browser agents bound to
 * it, and authenticator clients ("phones") on the harness's fake clock.
 */
export async function startPushHarness(overrides: Partial<ExampleAppOptions> = {}, setup: HarnessSetup = {}) {
  const h = await startHarness(overrides, setup);
  const server = await listenOnLocalhost(h.app);
  const origin = server.base;
  const sent: RecordedRequest[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    sent.push({ url: String(input), init: init as RecordedRequest['init'] });
    return fetch(input, init);
  };

  const browser = (): Agent => request.agent(origin) as unknown as Agent;
  const phone = (store = new MemoryAccountStore()) => new AuthenticatorClient({ store, clock: h.clock.now, fetch: recordingFetch });

  /** Logs in, chooses Notification → Set up; returns the Code, URL and the QR text they make. */
  async function beginPushSetup(a: Agent): Promise<{ code: string; url: string; qrText: string }> {
    const res = await postForm(a, '/mfa/setup', { contact: 'mobile_app', mode: 'notification' });
    if (res.status !== 303 || res.headers.location !== '/mfa/setup/push') throw new Error(`push setup failed: ${res.status} ${res.text.slice(0, 300)}`);
    const page = await a.get('/mfa/setup/push');
    const code = /aria-label="Code">([0-9 ]+)</.exec(page.text)?.[1];
    const url = /aria-label="URL">([^<]+)</.exec(page.text)?.[1];
    if (!code || !url) throw new Error(`no Code/URL on the setup page: ${page.status}`);
    return { code, url, qrText: buildEnrollmentUri({ url, code: code.replace(/ /g, '') }) };
  }

  /** The number shown in the element labelled "Number to enter" on the waiting page. */
  async function shownNumber(a: Agent, path: string): Promise<string> {
    const page = await a.get(path);
    const number = /aria-label="Number to enter"[^>]*>([0-9]{2})</.exec(page.text)?.[1];
    if (!number) throw new Error(`no number on ${path}: ${page.status} ${page.text.slice(0, 300)}`);
    return number;
  }

  /** Creates and signs in a new user through the example app's /signup. */
  async function signup(a: Agent, username: string, password = 'a long enough password'): Promise<void> {
    const res = await postForm(a, '/signup', { username, password });
    if (res.status !== 303) throw new Error(`signup failed: ${res.status}`);
  }

  /**
   * A user (alice unless `username` is given: then signed up first), signed in with a push
   * device activated and confirmed (on `p`, a fresh in-memory phone unless given); returns the browser and phone.
   * With `pin`, the app must ask for one (push.requirePin) and it is chosen and used.
   */
  async function enrolledPushUser(username?: string, p: AuthenticatorClient = phone(), pin?: string): Promise<{ browser: Agent; phone: AuthenticatorClient; account: AuthenticatorAccount }> {
    const a = browser();
    if (username) await signup(a, username);
    else await h.login(a);
    const { qrText } = await beginPushSetup(a);
    const account = await p.activate(qrText, 'Test phone');
    await postForm(a, '/mfa/setup/push/contact', {}, '/mfa/setup/push');
    if (pin !== undefined) {
      const chosen = await postForm(a, '/mfa/setup/push/pin', { pin, confirm: pin }, '/mfa/setup/push/pin');
      if (chosen.headers.location !== '/mfa/setup/push/wait') throw new Error(`choosing the PIN failed: ${chosen.status} ${chosen.text.slice(0, 300)}`);
    }
    const number = await shownNumber(a, '/mfa/setup/push/wait');
    const [challenge] = await p.waitForChallenges(account, 0);
    await p.answer(account, challenge!.id, 'approve', { number, pin });
    const done = await postForm(a, '/mfa/setup/push/wait', { method: 'push' }, '/mfa/setup/push/wait');
    if (done.headers.location !== `/mfa${nextSetupStep('/setup/push')}`) throw new Error(`push enrollment failed: ${done.status} ${done.text.slice(0, 300)}`);
    return { browser: a, phone: p, account };
  }

  /** A second browser signing in as alice up to the verify page. */
  const signInToVerify = (): Promise<Agent> => h.halfSignedIn(browser());

  /**
   * Opens the verify page's event stream (as the page's script does). Resolves once the response
   * headers arrived, i.e. the server is waiting; `text` resolves when the server ends the stream.
   */
  async function openEvents(a: Agent): Promise<EventStream> {
    return openStream('/mfa/verify/push/events', cookieHeaderOf(a));
  }

  /** Opens an event stream at `path` with the given Cookie header (none: as the capability stream needs). */
  async function openStream(path: string, cookie = ''): Promise<EventStream> {
    const response = await fetch(origin + path, { headers: { accept: 'text/event-stream', ...(cookie ? { cookie } : {}) } });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      cacheControl: response.headers.get('cache-control') ?? '',
      text: response.text(),
    };
  }

  /** The capability stream URL the waiting page at `path` gives its script (data-stream). */
  async function streamPath(a: Agent, path = '/mfa/verify/push'): Promise<string> {
    const page = await a.get(path);
    const found = /data-stream="([^"]+)"/.exec(page.text)?.[1];
    if (!found) throw new Error(`no data-stream on ${path}: ${page.status} ${page.text.slice(0, 300)}`);
    return found;
  }

  return {
    ...h,
    openEvents,
    openStream,
    streamPath,
    origin,
    sent,
    browser,
    phone,
    beginPushSetup,
    post: postForm,
    shownNumber,
    enrolledPushUser,
    signInToVerify,
    signup,
    async stop() {
      await server.close();
      await h.stop();
    },
  };
}

/** The waiting page (in any tab) closes its own event stream once the result is in, then submits: not a failure. */
export function withoutClosedEventStreams(problems: string[]): string[] {
  return problems.filter((p) => !/^(tab \d+: )?request failed: \S+\/mfa\/(verify\/push\/events|push-events\/\S+) net::ERR_ABORTED/.test(p));
}

/** An opened event stream: status and headers at once, the whole text when the server ends it. */
export interface EventStream { status: number; contentType: string; cacheControl: string; text: Promise<string> }

export type PushHarness = Awaited<ReturnType<typeof startPushHarness>>;

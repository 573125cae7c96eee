import type { MfaError } from '../errors.js';
import type { FactorRecord } from '../stores/facets/core.js';

/**
 * Who may reach a method's page; the router checks it before the handler runs:
 * - `sign-in`: a user past the first factor in the second step of a sign-in (or re-verifying).
 *   A session that already completed it goes on to its returnTo; a pending sign-in is started, or
 *   ended when it expired.
 * - `enrolling`: a user setting up this method (chosen on the wizard's first page): `page.enrolling`
 *   is the unconfirmed factor. Without one the visitor is sent back to the wizard.
 * - `fresh`: a user who completed the second step recently (`reverifyAfterMs`); others verify
 *   (again) first and come back to `returnTo`.
 * - `user`: any user past the first factor; nothing is started or ended.
 */
export type RouteAccess = 'sign-in' | 'enrolling' | 'fresh' | 'user';

/** One page (or endpoint) of a method, mounted under basePath behind CSRF and the security headers. */
export interface MethodRoute {
  method: 'GET' | 'POST';
  /** Under basePath, e.g. '/setup/totp'; `:name` segments are parameters. */
  path: string;
  access: RouteAccess;
  /** With `fresh`: where a visitor sent to verify first comes back to (under basePath). @default path */
  returnTo?: string;
  handle(page: MethodPage): Promise<void>;
}

/**
 * One request to a method's page, as the method sees it: what was sent, the session state it
 * owns, and the ways to answer. The router implements it per request (src/http/method-page.ts),
 * so a method's pages never touch Express. Every handler answers exactly once.
 */
export interface MethodPage {
  /** The user past the first factor. */
  readonly userId: string;
  /** The user's name in authenticator apps. */
  readonly accountName: string;
  readonly ip: string | undefined;
  readonly userAgent: string | null;
  /** `<protocol>://<host>` of this request. */
  readonly requestOrigin: string;
  /** The Accept-Language tags, most preferred first. */
  readonly acceptsLanguages: readonly string[];
  /** Form (or JSON) fields, still to validate: any value may be of any type. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly params: Readonly<Record<string, string>>;
  /** With `enrolling` access: the unconfirmed factor of this method being set up. */
  readonly enrolling: FactorRecord | null;

  /** This method's state in the live pending sign-in (undefined when none); the attempt's `state`. */
  pendingState<T>(): T | undefined;
  /** Replaces it; ignored when no sign-in is pending. Saved with the answer. */
  setPendingState(value: unknown): void;
  /** This method's own session data, kept across sign-ins (undefined when none). */
  sessionState<T>(): T | undefined;
  /** Replaces it (undefined deletes it). Saved with the answer. */
  setSessionState(value: unknown): void;
  /**
   * This request deleted `factorId` (e.g. a phone number replaced): every other session that
   * signed in with it ends, but this one stays signed in.
   */
  removedHere(factorId: string): void;
  /** What Security info confirms once, the next time it is shown ("App password … revoked."). */
  notify(message: string): void;

  /**
   * Proves this method with the submitted form: runs the attempt runner (an enrollment with
   * `enrolling` access, else a sign-in), and on success completes the step: a new session id, the
   * completed factor recorded, and a redirect to the next setup page or the sign-in's returnTo
   * (or, for a sign-in, to `then`: a page of the method's own under basePath that tells the user
   * something first and links on to `returnTo`; for a method added from Security info, back
   * there, saying it was added). On failure nothing is answered yet and the
   * error is returned for the page to show; an expired sign-in or setup is thrown (the error
   * page says to start again).
   */
  verify(options?: { then?: string }): Promise<MfaError | null>;
  /** Where the user goes once the second step is done: the remembered same-origin returnTo, else defaultReturnTo. */
  readonly returnTo: string;
  /** The wizard's page after this method's own setup step (follow-ups), under basePath. */
  nextSetupPage(): string;
  /** How the user's other sign-in options name themselves ('your mobile app'), best first. */
  otherSignInNouns(): Promise<string[]>;

  /** basePath + path. */
  url(path: string): string;
  /**
   * Renders a template of views/ in the layout (with the CSRF token), Cache-Control: no-store.
   * Its `setupFlow` local (views/setup-flow.ejs) says where the page is: on an enrolling page, the
   * first-run wizard's first step or Add method's Cancel; with `place.wizardStep`, the method's
   * follow-up step of the wizard (the step indicator and the last step's confirmation); else null.
   */
  render(view: string, locals: Record<string, unknown>, status?: number, place?: { wizardStep?: boolean }): Promise<void>;
  /** The verify page with an error, e.g. when a notification could not be sent. */
  renderSignIn(error: MfaError): Promise<void>;
  /** Sends the visitor (303) to a page under basePath; scripts get `{ error: code, location }` with `status`. */
  goTo(path: string, status?: number, code?: string): Promise<void>;
  /** Answers with a body of its own, e.g. a QR code PNG; with `download`, as a file to save under that name. */
  send(contentType: string, body: Buffer | string, download?: { filename: string }): void;
  /** Answers JSON (e.g. the options of a browser ceremony, or its outcome for the page's script). */
  json(body: unknown, status?: number): void;
  /** Answers 204 with no body. */
  noContent(): void;
  /** Sets Retry-After from an error that says when to come back (rate limit, lockout, outage). */
  retryAfter(error: unknown): void;
  /** Answers with a stream of Server-Sent Events; `run` writes to it until it returns. */
  eventStream(run: (stream: EventStream) => Promise<void>): Promise<void>;
}

/** A Server-Sent Events stream being answered. */
export interface EventStream {
  /** Writes raw event-stream text, e.g. ': waiting\n\n'. */
  write(text: string): void;
  /** Whether the client went away. */
  readonly closed: boolean;
  /** Calls `listener` once when the client goes away; returns a function that removes it. */
  onClose(listener: () => void): () => void;
}

import type { Request, Response } from 'express';
import { PendingExpiredError } from '../errors.js';
import type { MfaError } from '../errors.js';
import type { EventStream, MethodPage, MethodRoute } from '../methods/page.js';
import type { RegisteredMethod } from '../methods/registry.js';
import { formBody } from '../second-step/form-body.js';
import { pendingFor, sessionState, survivesRemovalOf } from '../second-step/session-state.js';
import type { PendingSecondFactor } from '../second-step/session-state.js';
import { verifySecondStep } from '../second-step/verify-second-step.js';
import type { FactorRecord } from '../stores/facets/core.js';
import { requireFreshSecondFactor } from './access.js';
import { alreadyDone, goToPage, livePending, redirect, requireUserId } from './flow.js';
import type { Pages } from './pages.js';
import { renderPage, setRetryAfter } from './respond.js';
import { safeReturnTo } from './safe-return-to.js';
import { addFlow, wizardFlow } from './setup-flow.js';
import type { SetupFlow } from './setup-flow.js';
import { renderSignInPage, signInNouns } from './sign-in-page.js';

/** Who passed a route's access check, and what the check read. */
export interface PageAccess {
  userId: string;
  /** The live pending sign-in, read once; null when there is none (possible with `fresh` and `user`). */
  pending: PendingSecondFactor | null;
  enrolling: FactorRecord | null;
  /** Whether verify() confirms `enrolling` (an enrollment) rather than signing in. */
  enroll: boolean;
}

const EVENT_STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

/**
 * Runs a route's access check (see RouteAccess in methods/page.ts). Returns null when the visitor
 * was answered instead (sent to sign in, to verify, to the wizard, or on to their returnTo).
 */
export async function checkAccess(pages: Pages, method: RegisteredMethod, route: MethodRoute, req: Request, res: Response): Promise<PageAccess | null> {
  const { options } = pages;
  switch (route.access) {
    case 'sign-in': {
      const userId = requireUserId(options, req);
      if (await alreadyDone(options, req, res, userId)) return null;
      return { userId, pending: await livePending(options, req, userId), enrolling: null, enroll: false };
    }
    case 'enrolling': {
      const userId = requireUserId(options, req);
      const setup = sessionState(req).pending;
      if (setup?.enrollFactorId !== undefined && setup.userId === userId) {
        const pending = pendingFor(req, userId, options.clock(), options.pendingTtlMs);
        // An expired setup ends the password step too, unless the second step was completed already.
        if (!pending) await livePending(options, req, userId);
        const factor = pending && (await pages.store.core.getFactor(setup.enrollFactorId));
        if (pending && factor && factor.userId === userId && factor.type === method.id && factor.confirmedAt === null) {
          return { userId, pending, enrolling: factor, enroll: true };
        }
      }
      await goToPage(options, req, res, '/setup');
      return null;
    }
    case 'fresh': {
      const userId = await requireFreshSecondFactor(pages, req, res, options.basePath + (route.returnTo ?? route.path));
      if (userId === null) return null;
      return { userId, pending: pendingFor(req, userId, options.clock(), options.pendingTtlMs), enrolling: null, enroll: false };
    }
    case 'user': {
      const userId = requireUserId(options, req);
      return { userId, pending: pendingFor(req, userId, options.clock(), options.pendingTtlMs), enrolling: null, enroll: false };
    }
  }
}

/** A method's view of one Express request (see MethodPage). */
export class ExpressMethodPage implements MethodPage {
  readonly #pages: Pages;
  readonly #method: RegisteredMethod;
  readonly #req: Request;
  readonly #res: Response;
  readonly #access: PageAccess;

  constructor(pages: Pages, method: RegisteredMethod, req: Request, res: Response, access: PageAccess) {
    this.#pages = pages;
    this.#method = method;
    this.#req = req;
    this.#res = res;
    this.#access = access;
  }

  get userId(): string {
    return this.#access.userId;
  }

  get accountName(): string {
    return this.#pages.options.getAccountName(this.#req.user!);
  }

  get ip(): string | undefined {
    return this.#req.ip;
  }

  get userAgent(): string | null {
    return this.#req.get('user-agent') ?? null;
  }

  get requestOrigin(): string {
    return `${this.#req.protocol}://${this.#req.get('host')}`;
  }

  get acceptsLanguages(): readonly string[] {
    return this.#req.acceptsLanguages();
  }

  get body(): Readonly<Record<string, unknown>> {
    return formBody(this.#req);
  }

  get query(): Readonly<Record<string, unknown>> {
    return this.#req.query as Record<string, unknown>;
  }

  get params(): Readonly<Record<string, string>> {
    return this.#req.params as Record<string, string>;
  }

  get enrolling(): FactorRecord | null {
    return this.#access.enrolling;
  }

  pendingState<T>(): T | undefined {
    return this.#access.pending?.methods?.[this.#method.id] as T | undefined;
  }

  setPendingState(value: unknown): void {
    const { pending } = this.#access;
    if (!pending) return;
    pending.methods = { ...pending.methods, [this.#method.id]: value };
  }

  sessionState<T>(): T | undefined {
    const own = this.#req.session?.mfa?.methods?.[this.#method.id];
    return own && own.userId === this.userId ? (own.value as T) : undefined;
  }

  setSessionState(value: unknown): void {
    const state = sessionState(this.#req);
    const { [this.#method.id]: _previous, ...others } = state.methods ?? {};
    state.methods = value === undefined ? others : { ...others, [this.#method.id]: { userId: this.userId, value } };
  }

  removedHere(factorId: string): void {
    survivesRemovalOf(this.#req, factorId);
  }

  notify(message: string): void {
    sessionState(this.#req).notice = message;
  }

  async verify(then: { then?: string } = {}): Promise<MfaError | null> {
    const { pending, enroll } = this.#access;
    if (!pending) throw new PendingExpiredError();
    const result = await verifySecondStep(this.#pages, this.#req, this.#req.user!, pending, this.#method, enroll);
    if (!result.ok) {
      if (result.error.code === 'pending_expired') throw result.error;
      return result.error;
    }
    const { options } = this.#pages;
    const location = enroll
      ? options.basePath + (pending.adding ? '/manage' : this.nextSetupPage())
      : then.then !== undefined
        ? options.basePath + then.then
        : safeReturnTo(result.returnTo, options.defaultReturnTo);
    if (enroll) this.notify(this.#enrolledNotice(pending.adding === true));
    redirect(this.#req, this.#res, location);
    return null;
  }

  /** "Mobile app added" back on Security info; in the wizard, "Mobile app verified." and what that means from now on. */
  #enrolledNotice(adding: boolean): string {
    const setup = this.#method.definition.setup;
    const name = setup?.kind === 'choice' ? setup.contact.label : this.#method.definition.name;
    if (adding) return `${name} added.`;
    return setup?.kind === 'choice' ? `${name} verified. ${setup.done}` : `${name} verified.`;
  }

  get returnTo(): string {
    return safeReturnTo(sessionState(this.#req).pending?.returnTo ?? sessionState(this.#req).returnTo, this.#pages.options.defaultReturnTo);
  }

  nextSetupPage(): string {
    const setup = this.#method.definition.setup;
    return setup ? this.#pages.registry.nextSetupPage(setup.page) : '/setup/done';
  }

  async otherSignInNouns(): Promise<string[]> {
    return signInNouns(this.#pages, this.userId, this.#method);
  }

  url(path: string): string {
    return this.#pages.options.basePath + path;
  }

  async render(view: string, locals: Record<string, unknown>, status = 200, place: { wizardStep?: boolean } = {}): Promise<void> {
    const setupFlow = await this.#setupFlow(place.wizardStep === true);
    return renderPage(this.#pages, this.#req, this.#res, view, { setupFlow, ...locals }, status);
  }

  #setupFlow(wizardStep: boolean): Promise<SetupFlow | null> | SetupFlow | null {
    const { enroll, pending, userId } = this.#access;
    if (enroll) return pending?.adding ? addFlow(this.#pages) : wizardFlow(this.#pages, this.#req, userId, 0, this.#method);
    if (!wizardStep) return null;
    const index = this.#pages.registry.followUpSteps.findIndex((s) => s.method.id === this.#method.id);
    return index < 0 ? null : wizardFlow(this.#pages, this.#req, userId, index + 1, this.#completedMethod());
  }

  /** The method that completed this session's second step (in the wizard: the one just set up). */
  #completedMethod(): RegisteredMethod | undefined {
    const completed = this.#req.session?.mfa?.completed;
    return completed?.userId === this.userId ? this.#pages.registry.get(completed.method) : undefined;
  }

  renderSignIn(error: MfaError): Promise<void> {
    this.retryAfter(error);
    return renderSignInPage(this.#pages, this.#req, this.#res, this.userId, error);
  }

  goTo(path: string, status?: number, code?: string): Promise<void> {
    return goToPage(this.#pages.options, this.#req, this.#res, path, status, code);
  }

  send(contentType: string, body: Buffer | string, download?: { filename: string }): void {
    if (download) this.#res.attachment(download.filename);
    this.#res.status(200).type(contentType).send(body);
  }

  json(body: unknown, status = 200): void {
    this.#res.status(status).json(body);
  }

  noContent(): void {
    this.#res.status(204).end();
  }

  retryAfter(error: unknown): void {
    setRetryAfter(this.#res, error);
  }

  async eventStream(run: (stream: EventStream) => Promise<void>): Promise<void> {
    const res = this.#res;
    res.writeHead(200, EVENT_STREAM_HEADERS);
    const stream: EventStream = {
      write: (text) => void res.write(text),
      get closed() {
        return res.destroyed || res.writableEnded;
      },
      onClose(listener) {
        res.once('close', listener);
        return () => void res.off('close', listener);
      },
    };
    try {
      await run(stream);
    } finally {
      // Also after a store failure: the headers are sent, so ending the stream is the only answer left.
      if (!res.writableEnded) res.end();
    }
  }
}

import type { Request, Response } from 'express';
import type { MfaError } from '../errors.js';
import type { SignInOffer, SignInUser, ViewPart } from '../methods/method.js';
import type { RegisteredMethod } from '../methods/registry.js';
import { activeLock } from '../policy/lockout.js';
import type { FactorRecord } from '../stores/facets/core.js';
import { pendingFor } from '../second-step/session-state.js';
import { confirmedFactors } from './confirmed-factors.js';
import { csrfToken } from './csrf.js';
import type { Pages } from './pages.js';
import { renderPage } from './respond.js';

/** A method offered on the verify page to this user, with its block. */
interface Offer {
  method: RegisteredMethod;
  noun: string;
  part: SignInOffer;
}

/** What a method's sign-in parts see of the user. */
export function signInUser(pages: Pages, method: RegisteredMethod, userId: string, factors: readonly FactorRecord[]): SignInUser {
  return { userId, factors, own: pages.registry.acceptedFactors(method, factors) };
}

/** A lockout of the user's second step in force: until when (null: until an administrator lifts it). */
export type ActiveLock = { until: number | null };

/** The shared lockout of this user's second step in force now, or null. */
export async function lockOf(pages: Pages, userId: string): Promise<ActiveLock | null> {
  return activeLock(await pages.store.core.getLockout(userId), pages.options.clock());
}

/**
 * The verify page's methods for this user, in order: the method of their default factor first
 * ("Make default"), then strongest first. Only phishing-resistant ones for a step-up that needs them.
 */
export function signInOrder(pages: Pages, factors: readonly FactorRecord[], phishingResistantOnly = false): RegisteredMethod[] {
  const { registry } = pages;
  const first = registry.defaultFactor(factors);
  const firstId = first ? registry.ownerOf(first.factor)?.id : undefined;
  const methods = registry.signInMethods().filter((m) => !phishingResistantOnly || registry.isPhishingResistant(m));
  return [...methods.filter((m) => m.id === firstId), ...methods.filter((m) => m.id !== firstId)];
}

/** The methods the verify page offers this user (see signInOrder). */
async function offers(pages: Pages, userId: string, factors: readonly FactorRecord[], phishingResistantOnly = false): Promise<Offer[]> {
  const offered = await Promise.all(signInOrder(pages, factors, phishingResistantOnly).map(async (method) => {
    const signIn = method.parts.signIn!;
    const part = await signIn.offer(signInUser(pages, method, userId, factors));
    return part ? { method, noun: signIn.noun, part } : null;
  }));
  return offered.filter((o): o is Offer => o !== null);
}

/** Which method the page should make its main action (`wanted`) or not (`avoid`), when offered. */
export interface SignInFocus {
  wanted?: RegisteredMethod | undefined;
  avoid?: RegisteredMethod | undefined;
}

/**
 * The method whose block is the page's one main action: the one the user picked ("Use a
 * verification code", `?use=`) or whose form was just sent, if it is offered; else the first
 * offered (the default method) that can be used now, a paused or just refused one only when
 * nothing else is left.
 */
function mainOffer(offered: readonly Offer[], focus: SignInFocus): Offer | undefined {
  return offered.find((o) => o.method === focus.wanted)
    ?? offered.find((o) => o.part.blocked !== true && o.method !== focus.avoid)
    ?? offered[0];
}

/** The method a `?use=` query names, if the page offers one by that id (anything else is ignored). */
export function usedMethod(pages: Pages, use: unknown): RegisteredMethod | undefined {
  return typeof use === 'string' && use.length <= 32 ? pages.registry.get(use) : undefined;
}

/** How the user's other sign-in options name themselves (e.g. 'your mobile app'), best first, each once. */
export async function signInNouns(pages: Pages, userId: string, except: RegisteredMethod): Promise<string[]> {
  const others = (await offers(pages, userId, await confirmedFactors(pages, userId))).filter((o) => o.method !== except);
  return [...new Set(others.map((o) => o.noun))];
}

/** What the caller already read for the page: the user's confirmed factors, and the lock in force (null: none). */
export interface SignInReads {
  factors: readonly FactorRecord[];
  lock: ActiveLock | null;
}

/**
 * "Verify your identity": one main action, the default method's (or the one the user picked or
 * just used, see mainOffer), below the methods' notices and the error, if any; every other method the
 * user can sign in with as a quiet line under "Other ways to verify", strongest first.
 */
export async function renderSignInPage(
  pages: Pages,
  req: Request,
  res: Response,
  userId: string,
  error: MfaError | null,
  read?: SignInReads,
  focus: SignInFocus = { wanted: usedMethod(pages, req.query.use) },
): Promise<void> {
  // Locked: every method would be refused, so none is offered; the page says until when, on every visit.
  const lock = read ? read.lock : await lockOf(pages, userId);
  if (lock) {
    await renderPage(pages, req, res, 'verify-locked', {
      title: 'Verification locked',
      until: lock.until === null ? null : new Date(lock.until).toISOString(),
    }, error?.status ?? 200);
    return;
  }
  const factors = read?.factors ?? (await confirmedFactors(pages, userId));
  const methods = pages.registry.signInMethods();
  const notices = (await Promise.all(methods.map((m) => m.parts.signIn!.notices?.(userId) ?? []))).flat();
  const pending = pendingFor(req, userId, pages.options.clock(), pages.options.pendingTtlMs);
  const phishingResistantOnly = pending?.phishingResistant === true;
  const offered = await offers(pages, userId, factors, phishingResistantOnly);
  const main = mainOffer(offered, focus);
  const token = csrfToken(req, pages.options.random);
  const { basePath } = pages.options;
  // Each method's template draws either its full block (`main`) or its one quiet line among the
  // other ways; `useHref` makes it the main action instead.
  const part = ({ view, locals }: ViewPart, o: Offer | null) => pages.views.renderPart(view, {
    ...locals,
    csrfToken: token,
    error: o === main ? (error?.message ?? null) : null,
    main: o === main,
    useHref: o ? `${basePath}/verify?use=${encodeURIComponent(o.method.id)}` : null,
  });
  await renderPage(pages, req, res, 'verify', {
    title: 'Verify your identity',
    error: error?.message ?? null,
    phishingResistantOnly,
    reverify: pending?.reverify === true,
    notices: notices.map((n) => part(n, null)),
    main: main ? part(main.part, main) : null,
    others: offered.filter((o) => o !== main).map((o) => part(o.part, o)),
  }, error?.status ?? 200);
}

import type { Request, Response } from 'express';
import type { MfaError } from '../errors.js';
import type { SignInUser, ViewPart } from '../methods/method.js';
import type { RegisteredMethod } from '../methods/registry.js';
import { activeLock } from '../policy/lockout.js';
import type { FactorRecord } from '../stores/facets/core.js';
import { pendingFor } from '../second-step/session-state.js';
import { csrfToken } from './csrf.js';
import type { Pages } from './pages.js';
import { renderPage } from './respond.js';

/** A method offered on the verify page to this user, with its block. */
interface Offer {
  method: RegisteredMethod;
  noun: string;
  part: ViewPart;
}

/** The user's confirmed factors, read once for the whole page. */
export async function confirmedFactors(pages: Pages, userId: string): Promise<FactorRecord[]> {
  return (await pages.store.core.listFactors(userId)).filter((f) => f.confirmedAt !== null);
}

/** What a method's sign-in parts see of the user. */
export function signInUser(pages: Pages, method: RegisteredMethod, userId: string, factors: readonly FactorRecord[]): SignInUser {
  return { userId, factors, own: pages.registry.acceptedFactors(method, factors) };
}

/** The shared lockout of this user's second step in force now, or null. */
export async function lockOf(pages: Pages, userId: string): Promise<{ until: number | null } | null> {
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

/** How the user's other sign-in options name themselves (e.g. 'your mobile app'), best first, each once. */
export async function signInNouns(pages: Pages, userId: string, except: RegisteredMethod): Promise<string[]> {
  const others = (await offers(pages, userId, await confirmedFactors(pages, userId))).filter((o) => o.method !== except);
  return [...new Set(others.map((o) => o.noun))];
}

/**
 * "Verify your identity": every method the user can sign in with, each in its own block from its
 * own template, strongest first, below the methods' notices and the error, if any.
 */
export async function renderSignInPage(
  pages: Pages,
  req: Request,
  res: Response,
  userId: string,
  error: MfaError | null,
  listed?: readonly FactorRecord[],
): Promise<void> {
  const factors = listed ?? (await confirmedFactors(pages, userId));
  // Locked: every method would be refused, so none is offered; the page says until when, on every visit.
  const lock = await lockOf(pages, userId);
  if (lock) {
    await renderPage(pages, req, res, 'verify-locked', {
      title: 'Verification locked',
      until: lock.until === null ? null : new Date(lock.until).toISOString(),
    }, error?.status ?? 200);
    return;
  }
  const methods = pages.registry.signInMethods();
  const notices = (await Promise.all(methods.map((m) => m.parts.signIn!.notices?.(userId) ?? []))).flat();
  const pending = pendingFor(req, userId, pages.options.clock(), pages.options.pendingTtlMs);
  const phishingResistantOnly = pending?.phishingResistant === true;
  const offered = await offers(pages, userId, factors, phishingResistantOnly);
  const token = csrfToken(req, pages.options.random);
  const part = ({ view, locals }: ViewPart, extra: Record<string, unknown>) => pages.views.renderPart(view, { ...locals, ...extra, csrfToken: token });
  await renderPage(pages, req, res, 'verify', {
    title: 'Verify your identity',
    error: error?.message ?? null,
    phishingResistantOnly,
    reverify: pending?.reverify === true,
    notices: notices.map((n) => part(n, {})),
    // The user's default may come first ("Make default"), so a block cannot assume its neighbours:
    // each learns whether the next one is another way to use the same thing ("Or enter a code"),
    // and the page separates blocks of different things.
    options: offered.map((o, i) => ({
      html: part(o.part, {
        error: error?.message ?? null,
        last: i === offered.length - 1,
        sameNext: offered[i + 1]?.noun === o.noun,
        // The first method offered before this one, for "Can't use your mobile app?".
        previousNoun: i === 0 ? null : offered[0]!.noun,
      }),
      first: i === 0,
      separate: i > 0 && offered[i - 1]!.noun !== o.noun,
    })),
  }, error?.status ?? 200);
}

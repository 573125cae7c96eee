import { ConfigurationError, InvalidInputError, PendingExpiredError } from '../errors.js';
import type { FactorRecord } from '../stores/facets/core.js';
import type { CompleteStore } from '../stores/guarded-store.js';
import { requireFacets } from '../stores/require-facets.js';
import { checkAssurance } from '../policy/assurance.js';
import type { AmrValue, Assurance } from '../policy/assurance.js';
import type { AttemptOutcome, AttemptRunner } from './attempt.js';
import type { MethodParts, MethodServices, SecondFactorMethod, SetupPlacement } from './method.js';

/** A method enabled in this instance, with its parts. */
export interface RegisteredMethod {
  readonly definition: SecondFactorMethod;
  readonly id: string;
  readonly parts: MethodParts;
}

/** One proof submitted for a method: who, from where, what was sent and what the pending sign-in holds for it. */
export interface MethodAttempt {
  userId: string;
  ip: string | undefined;
  body: Readonly<Record<string, unknown>>;
  /** The method's state in the pending sign-in. */
  state: unknown;
  /** Set while enrolling: the unconfirmed factor this proof confirms. */
  enrollFactorId?: string | undefined;
}

export type ChoicePlacement = Extract<SetupPlacement, { kind: 'choice' }>;
export type FollowUpPlacement = Extract<SetupPlacement, { kind: 'follow-up' }>;

/** One of the wizard's steps after the first method (recovery codes, backup phone, ...). */
export interface FollowUpStep {
  method: RegisteredMethod;
  placement: FollowUpPlacement;
}

/**
 * An answer to "Which method do you want to add?" on Security info: a method chosen as on the
 * wizard's first page (`choice`), or a follow-up step that sets one up on its own page.
 */
export type AddChoice =
  | { kind: 'choice'; method: RegisteredMethod; label: string; hint: string; choice: ChoicePlacement }
  | { kind: 'page'; method: RegisteredMethod; label: string; hint: string; page: string };

const ID = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * The methods one createMfa() instance offers, built from the method definitions and the
 * instance's options. Everything that lists or picks methods (the wizard, the verify page,
 * Security info, the 'mfa' strategy, the router) asks the registry; none of them names a method.
 */
export class MethodRegistry {
  /** Enabled methods in registration order. */
  readonly methods: readonly RegisteredMethod[];
  readonly #byId: ReadonlyMap<string, RegisteredMethod>;
  /** Every known definition, enabled or not: factors made by a method that was later turned off still belong to it. */
  readonly #definitions: ReadonlyMap<string, SecondFactorMethod>;
  readonly #store: CompleteStore;
  readonly #attempts: AttemptRunner;
  readonly #clock: () => number;
  readonly #assurance: ReadonlyMap<string, Assurance>;
  /** The wizard's pages: those that start it (a chosen method's setup page) and the follow-ups, in order. */
  readonly wizard: { readonly firstPages: readonly string[]; readonly followUps: readonly string[] };
  /** The follow-up steps this instance offers, in the wizard's order. */
  readonly followUpSteps: readonly FollowUpStep[];

  constructor(definitions: readonly SecondFactorMethod[], services: MethodServices) {
    this.#definitions = indexDefinitions(definitions);
    const { options } = services;
    const enabled = definitions.filter((d) => d.enabled(options));
    requireFacets(options.store, enabled.flatMap((d) => d.storeNeeds(options)));
    this.methods = enabled.map((definition) => ({ definition, id: definition.id, parts: definition.create(services) }));
    this.#byId = new Map(this.methods.map((m) => [m.id, m]));
    this.#store = services.store;
    this.#attempts = services.attempts;
    this.#clock = options.clock;
    this.followUpSteps = followUpsOf(this.methods, options);
    this.wizard = { firstPages: this.setupChoices().map((c) => c.choice.page), followUps: this.followUpSteps.map((s) => s.placement.page) };
    assertOneStrategyDefault(this.methods);
    assertDistinctRoutes(this.methods);
    this.#assurance = assurances(this.methods);
  }

  /** Whether a step completed with `method` resists phishing (a security key or passkey). */
  isPhishingResistant(method: RegisteredMethod): boolean {
    return this.#assurance.get(method.id)?.phishingResistant === true;
  }

  /**
   * What a step completed with `method` proves: its declared assurance, with the attempt's own
   * amr values when its check reported some.
   */
  assuranceOf(method: RegisteredMethod, amr?: AmrValue[]): Assurance {
    const declared = this.#assurance.get(method.id)!;
    return amr ? checkAssurance(method.id, { amr, phishingResistant: declared.phishingResistant }) : declared;
  }

  get(id: unknown): RegisteredMethod | undefined {
    return typeof id === 'string' ? this.#byId.get(id) : undefined;
  }

  /** The method the 'mfa' strategy checks when the form names none. */
  get strategyDefault(): RegisteredMethod {
    return this.methods.find((m) => m.definition.strategyDefault)!;
  }

  /** The answers to "How should we contact you?", in order. */
  setupChoices(): { method: RegisteredMethod; choice: ChoicePlacement }[] {
    return this.methods
      .flatMap((method) => (method.definition.setup?.kind === 'choice' ? [{ method, choice: method.definition.setup }] : []))
      .sort((a, b) => a.choice.position - b.choice.position);
  }

  /**
   * What Add method (Security info) offers a user with these factors, strongest first: every
   * wizard choice by its method's name, and the follow-ups that set up a method of their own.
   */
  addChoices(factors: readonly FactorRecord[]): AddChoice[] {
    const choices: AddChoice[] = this.setupChoices().map(({ method, choice }) => ({
      kind: 'choice', method, label: method.definition.name, hint: choice.mode?.hint ?? choice.hint ?? '', choice,
    }));
    for (const { method, placement } of this.followUpSteps) {
      if (placement.add?.offered(factors)) {
        choices.push({ kind: 'page', method, label: placement.label, hint: placement.add.hint, page: placement.add.page });
      }
    }
    const rank = (c: AddChoice) => c.method.definition.signInRank ?? Number.MAX_SAFE_INTEGER;
    return choices.sort((a, b) => rank(a) - rank(b));
  }

  /** The methods of the verify page, strongest first. */
  signInMethods(): RegisteredMethod[] {
    return this.methods.filter((m) => m.parts.signIn && m.definition.signInRank !== undefined)
      .sort((a, b) => a.definition.signInRank! - b.definition.signInRank!);
  }

  /** The wizard page after `current` (a method's setup page or a follow-up): the next follow-up, or '/setup/done'. */
  nextSetupPage(current: string): string {
    return nextSetupStep(current, this.wizard);
  }

  /**
   * The factor the verify page offers first: the one the user made default most recently
   * ("Make default"), else the first factor of the strongest method. `chosen` says which. Null
   * when none of `factors` can sign in here.
   */
  defaultFactor(factors: readonly FactorRecord[]): { factor: FactorRecord; chosen: boolean } | null {
    const rank = (f: FactorRecord) => this.#byId.get(f.type)?.definition.signInRank;
    const usable = factors.filter((f) => f.confirmedAt !== null && rank(f) !== undefined && this.#byId.get(f.type)!.parts.signIn);
    const chosen = usable.filter((f) => typeof f.preferredAt === 'number').sort((a, b) => b.preferredAt! - a.preferredAt!)[0];
    if (chosen) return { factor: chosen, chosen: true };
    const strongest = [...usable].sort((a, b) => rank(a)! - rank(b)!)[0];
    return strongest ? { factor: strongest, chosen: false } : null;
  }

  /** The method that owns factors of this type, if it is enabled here. */
  ownerOf(factor: FactorRecord): RegisteredMethod | undefined {
    return this.#byId.get(factor.type);
  }

  /**
   * Runs one proof of `method` through the attempt runner: the lockout check, then the factors it
   * may accept (the one being enrolled, or the user's confirmed ones), the method's check,
   * confirming an enrollment, the reset and the events.
   */
  attempt(method: RegisteredMethod, attempt: MethodAttempt): Promise<AttemptOutcome & { confirmed?: readonly FactorRecord[] }> {
    const { userId, ip, enrollFactorId } = attempt;
    const verify = method.parts.verify;
    let confirmed: readonly FactorRecord[] | undefined;
    const outcome = this.#attempts.run({
      userId,
      ip,
      method: method.id,
      check: async () => {
        if (!verify) return { ok: false, counts: true, reason: 'method_unavailable', error: new InvalidInputError('That method cannot be used here.') };
        const factors = await this.#candidates(method, userId, enrollFactorId);
        if (factors instanceof PendingExpiredError) return { ok: false, counts: false, reason: 'pending_expired', error: factors };
        confirmed = factors.confirmed;
        return verify({ userId, factors: factors.accepted, enrolling: enrollFactorId !== undefined, body: attempt.body, state: attempt.state });
      },
      confirm: enrollFactorId === undefined ? undefined : async () => ((await this.#store.core.confirmFactor(userId, enrollFactorId, this.#clock())) ? enrollFactorId : null),
    });
    // The user's confirmed factors as read for the check (not for an enrollment, which read only its own).
    return outcome.then((o) => (o.ok && confirmed ? { ...o, confirmed } : o));
  }

  /**
   * A proof for a method this instance does not offer (a form naming an unknown or disabled one):
   * refused, and counted like a wrong code, so probing costs the same as guessing.
   */
  async refuseUnknown(attempt: { userId: string; ip: string | undefined; method: unknown }): Promise<Extract<AttemptOutcome, { ok: false }>> {
    const method = typeof attempt.method === 'string' ? attempt.method.slice(0, 32) : 'unknown';
    const outcome = await this.#attempts.run({
      userId: attempt.userId,
      ip: attempt.ip,
      method,
      check: async () => ({ ok: false, counts: true, reason: 'method_unavailable', error: new InvalidInputError('That method is not available here.') }),
    });
    // The check above never passes.
    return outcome as Extract<AttemptOutcome, { ok: false }>;
  }

  /** The factors `method` may accept, and (unless enrolling) all of the user's confirmed ones they were picked from. */
  async #candidates(method: RegisteredMethod, userId: string, enrollFactorId: string | undefined): Promise<{ accepted: FactorRecord[]; confirmed?: FactorRecord[] } | PendingExpiredError> {
    if (enrollFactorId !== undefined) {
      const factor = await this.#store.core.getFactor(enrollFactorId);
      const live = factor && factor.userId === userId && factor.type === method.id && factor.confirmedAt === null;
      return live ? { accepted: [factor] } : new PendingExpiredError('This setup expired. Start again.');
    }
    const confirmed = (await this.#store.core.listFactors(userId)).filter((f) => f.confirmedAt !== null);
    if (confirmed.length === 0) return new PendingExpiredError('No second factor is set up for this account.');
    return { accepted: this.acceptedFactors(method, confirmed), confirmed };
  }

  /** Those of `factors` that `method`'s check accepts: its own, and those of methods it `alsoVerifiedBy`. */
  acceptedFactors(method: RegisteredMethod, factors: readonly FactorRecord[]): FactorRecord[] {
    return factors.filter((f) => f.type === method.id || this.#definitions.get(f.type)?.alsoVerifiedBy?.includes(method.id));
  }

  /** The name of the method that made factors of this type (Security info), also when it is turned off here. */
  nameOf(type: string): string {
    return this.#definitions.get(type)?.name ?? type;
  }
}

/**
 * The page after `current` in a wizard: from a first page (a chosen method's setup) or a
 * follow-up, the next follow-up; after the last one, or from a page the wizard does not know,
 * '/setup/done'.
 */
export function nextSetupStep(current: string, wizard: { firstPages: readonly string[]; followUps: readonly string[] }): string {
  const index = wizard.firstPages.includes(current) ? 0 : wizard.followUps.indexOf(current) + 1;
  if (index === 0 && !wizard.firstPages.includes(current)) return '/setup/done';
  return wizard.followUps[index] ?? '/setup/done';
}

function followUpsOf(methods: readonly RegisteredMethod[], options: MethodServices['options']): FollowUpStep[] {
  return methods
    .flatMap((method) => {
      const setup = method.definition.setup;
      return setup?.kind === 'follow-up' && (setup.offered?.(options) ?? true) ? [{ method, placement: setup }] : [];
    })
    .sort((a, b) => a.placement.position - b.placement.position);
}

function indexDefinitions(definitions: readonly SecondFactorMethod[]): Map<string, SecondFactorMethod> {
  const byId = new Map<string, SecondFactorMethod>();
  for (const d of definitions) {
    if (!ID.test(d.id)) throw new ConfigurationError(`passport-mfa: method id "${d.id}" must be lowercase letters, digits and _`);
    if (byId.has(d.id)) throw new ConfigurationError(`passport-mfa: two methods are registered as "${d.id}"`);
    byId.set(d.id, d);
  }
  return byId;
}

/** Every method that can complete a second step declares what that proves (checked here, at startup). */
function assurances(methods: readonly RegisteredMethod[]): Map<string, Assurance> {
  const byId = new Map<string, Assurance>();
  for (const { id, definition, parts } of methods) {
    if (!parts.verify) continue;
    if (!definition.assurance) throw new ConfigurationError(`passport-mfa: method "${id}" can complete a second step but declares no assurance (amr values)`);
    byId.set(id, checkAssurance(id, definition.assurance));
  }
  return byId;
}

function assertOneStrategyDefault(methods: readonly RegisteredMethod[]): void {
  const defaults = methods.filter((m) => m.definition.strategyDefault);
  if (defaults.length !== 1) {
    throw new ConfigurationError(`passport-mfa: exactly one enabled method must be the strategy's default (found ${defaults.map((m) => m.id).join(', ') || 'none'})`);
  }
}

function assertDistinctRoutes(methods: readonly RegisteredMethod[]): void {
  const seen = new Map<string, string>();
  for (const method of methods) {
    for (const route of method.parts.routes ?? []) {
      const key = `${route.method} ${route.path}`;
      const other = seen.get(key);
      if (other) throw new ConfigurationError(`passport-mfa: the methods ${other} and ${method.id} both declare ${key}`);
      seen.set(key, method.id);
    }
  }
}

import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { randomId } from '../../crypto/random.js';
import type { RandomSource } from '../../crypto/random.js';
import { MfaError } from '../../errors.js';
import { rateLimitKeys } from '../../policy/rate-limit-keys.js';
import type { CredentialRecord, CredentialStore } from '../../stores/facets/credentials.js';
import type { RateLimitStore } from '../../stores/facets/rate-limits.js';
import type { CoreStore, FactorRecord } from '../../stores/facets/core.js';
import { validateDisplayName } from '../display-name.js';
import type { NewKey, RegisteredKey, WebAuthnCeremony } from './webauthn-ceremony.js';
import type { ResolvedWebAuthnOptions } from './webauthn-options.js';

/**
 * The challenge one page was given, kept in the pending sign-in (never a secret: it only has to
 * be fresh, bound to this session, and used once).
 */
export interface ChallengeState {
  challenge: string;
  issuedAt: number;
}

export type SecurityKeyFailure =
  | 'challenge_missing'
  | 'challenge_expired'
  | 'challenge_used'
  | 'malformed'
  | 'unknown_credential'
  | 'invalid_response'
  | 'not_verified'
  | 'user_not_verified'
  | 'already_registered'
  | 'counter_regressed';

export type SignInResult = { ok: true; factorId: string; multiDevice: boolean } | { ok: false; reason: SecurityKeyFailure };
export type RegisterResult = { ok: true; key: NewKey } | { ok: false; reason: SecurityKeyFailure };

/** The method's id: the `type` of its factors. */
export const SECURITY_KEY_ID = 'security_key';

/** Time after the browser's own timeout in which an answer is still taken (a slow network, a slow server). */
const GRACE_MS = 60_000;

export interface SecurityKeysOptions {
  ceremony: WebAuthnCeremony;
  credentials: CredentialStore;
  /** Spends each challenge once (a reservation of one on its own key). */
  rateLimits: RateLimitStore;
  /** Records each key's last use on its factor (what Security info shows). */
  core: CoreStore;
  settings: ResolvedWebAuthnOptions;
  clock: () => number;
  random: RandomSource;
}

/**
 * A user's security keys and passkeys: each is a factor (type 'security_key', confirmed once the
 * key is registered) whose WebAuthn credential, with the same id, lives in the credentials facet.
 * Each challenge is spent in the store before its answer is checked, so one answer never counts
 * twice, even when it arrives many times at once; the signature counter is compared and stored
 * in one atomic step after the signature verified.
 */
export class SecurityKeys {
  readonly #o: SecurityKeysOptions;

  constructor(options: SecurityKeysOptions) {
    this.#o = options;
  }

  /**
   * An unconfirmed factor for the key about to be registered (it is confirmed once the key's
   * answer verified); refused when the user already has `maxPerUser` keys.
   */
  async enroll(userId: string): Promise<FactorRecord> {
    const { core, settings, clock, random } = this.#o;
    const registered = (await core.listFactors(userId)).filter((f) => f.type === SECURITY_KEY_ID && f.confirmedAt !== null);
    if (registered.length >= settings.maxPerUser) {
      throw new MfaError(409, 'security_key_limit', `You already have the most security keys allowed (${settings.maxPerUser}). Delete one you no longer use on Security info, then add the new one.`);
    }
    const factor: FactorRecord = {
      id: randomId(random),
      userId,
      type: SECURITY_KEY_ID,
      label: 'Security key',
      sealedSecret: null,
      data: {},
      createdAt: clock(),
      confirmedAt: null,
      lastUsedAt: null,
      lastStep: null,
    };
    await core.createFactor(factor);
    return factor;
  }

  /** Options for registering one more key (the user's keys excluded) and the challenge to remember. */
  async registrationOptions(user: { userId: string; accountName: string }): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; state: ChallengeState }> {
    const state = this.#newChallenge();
    const existing = (await this.#confirmedKeys(user.userId)).map(registeredKey);
    const options = await this.#o.ceremony.registrationOptions({ userId: user.userId, userName: user.accountName, challenge: state.challenge, existing });
    return { options, state };
  }

  /** Checks a registration answer and stores the key as the credential of `factor` (not yet confirmed). */
  async register(factor: FactorRecord, input: { response: unknown; state: unknown; name: string }): Promise<RegisterResult> {
    const challenge = await this.#spend(input.state);
    if (typeof challenge !== 'string') return challenge;
    const existing = (await this.#confirmedKeys(factor.userId)).map(registeredKey);
    const result = await this.#o.ceremony.verifyRegistration(input.response, challenge, existing);
    if (!result.ok) return result;
    const { key } = result;
    const record: CredentialRecord = {
      id: factor.id,
      userId: factor.userId,
      credentialId: key.credentialId,
      publicKey: key.publicKey,
      counter: key.counter,
      transports: key.transports,
      name: input.name,
      createdAt: this.#o.clock(),
      lastUsedAt: null,
    };
    // A credential id is unique across users: one authenticator credential never stands for two accounts.
    if (await this.#o.credentials.create(record)) return { ok: true, key };
    if (!(await this.#removeOrphan(key.credentialId))) return { ok: false, reason: 'already_registered' };
    return (await this.#o.credentials.create(record)) ? { ok: true, key } : { ok: false, reason: 'already_registered' };
  }

  /**
   * Deletes the credential with this id if no confirmed factor stands behind it: a registration
   * whose setup expired just before its factor was confirmed left it, and it would otherwise
   * keep that key from ever being registered again. Returns whether it did.
   */
  async #removeOrphan(credentialId: string): Promise<boolean> {
    const existing = await this.#o.credentials.findByCredentialId(credentialId);
    if (!existing) return false;
    const factor = await this.#o.core.getFactor(existing.id);
    if (factor && factor.userId === existing.userId && factor.confirmedAt !== null) return false;
    return this.#o.credentials.delete(existing.userId, existing.id);
  }

  /** Options listing the keys of these confirmed factors (allowCredentials), and the challenge to remember. */
  async signInOptions(userId: string, factors: readonly FactorRecord[]): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; state: ChallengeState } | null> {
    const keys = await this.#keysOf(userId, factors);
    if (keys.length === 0) return null;
    const state = this.#newChallenge();
    return { options: await this.#o.ceremony.authenticationOptions({ challenge: state.challenge, keys: keys.map(registeredKey) }), state };
  }

  /** Checks a sign-in answer against the challenge of this session and the keys of these confirmed factors only. */
  async signIn(userId: string, factors: readonly FactorRecord[], input: { response: unknown; state: unknown }): Promise<SignInResult> {
    const challenge = await this.#spend(input.state);
    if (typeof challenge !== 'string') return challenge;
    const keys = await this.#keysOf(userId, factors);
    const result = await this.#o.ceremony.verifyAuthentication(input.response, challenge, keys.map(registeredKey));
    if (!result.ok) return result;
    const key = keys.find((k) => k.credentialId === result.credentialId)!;
    // Only a genuine signature reaches here: a counter that did not grow means a cloned key (or a replay).
    const now = this.#o.clock();
    if (!(await this.#o.credentials.acceptUse(key.id, result.counter, now))) return { ok: false, reason: 'counter_regressed' };
    // lastUsedAt of the factor; the "step" is the time in ms, which only grows, so it refuses nothing.
    await this.#o.core.consumeTimeStep(key.id, now, now);
    return { ok: true, factorId: key.id, multiDevice: result.multiDevice };
  }

  /** The user's keys that count: those whose factor is confirmed. */
  async #confirmedKeys(userId: string): Promise<CredentialRecord[]> {
    return this.#keysOf(userId, await this.#o.core.listFactors(userId));
  }

  /** The credentials of these (confirmed) factors of the user. */
  async #keysOf(userId: string, factors: readonly FactorRecord[]): Promise<CredentialRecord[]> {
    const ids = new Set(factors.filter((f) => f.userId === userId && f.confirmedAt !== null).map((f) => f.id));
    return (await this.#o.credentials.list(userId)).filter((c) => ids.has(c.id));
  }

  list(userId: string): Promise<CredentialRecord[]> {
    return this.#o.credentials.list(userId);
  }

  rename(userId: string, id: string, name: string): Promise<boolean> {
    return this.#o.credentials.rename(userId, id, name);
  }

  delete(userId: string, id: string): Promise<boolean> {
    return this.#o.credentials.delete(userId, id);
  }

  #newChallenge(): ChallengeState {
    return { challenge: this.#o.ceremony.newChallenge(), issuedAt: this.#o.clock() };
  }

  /** The challenge of `state` if it is live and this is its first use, spending it; else why not. */
  async #spend(state: unknown): Promise<string | { ok: false; reason: SecurityKeyFailure }> {
    if (!isChallengeState(state)) return { ok: false, reason: 'challenge_missing' };
    const now = this.#o.clock();
    const lifetime = this.#o.settings.timeoutMs + GRACE_MS;
    if (now < state.issuedAt || now - state.issuedAt >= lifetime) return { ok: false, reason: 'challenge_expired' };
    const spent = await this.#o.rateLimits.hit(rateLimitKeys.webauthnChallenge(state.challenge), lifetime, now, 1);
    return spent.counted ? state.challenge : { ok: false, reason: 'challenge_used' };
  }
}

/** What the user calls a key: trimmed, 1 to 64 printable characters; InvalidInputError with a message for the form otherwise. */
export function validateKeyName(input: unknown): string {
  return validateDisplayName(input, 'security key', 'YubiKey on my keyring');
}

function isChallengeState(value: unknown): value is ChallengeState {
  const s = value as Partial<ChallengeState> | null;
  return typeof s === 'object' && s !== null && typeof s.challenge === 'string' && s.challenge.length >= 16 && typeof s.issuedAt === 'number';
}

function registeredKey(c: CredentialRecord): RegisteredKey {
  return { credentialId: c.credentialId, publicKey: c.publicKey, transports: c.transports };
}

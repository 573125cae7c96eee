import { canonicalJson } from '../push/canonical-json.js';
import { checkEnrollment, parseEnrollmentUri } from '../push/enrollment-uri.js';
import type { Enrollment } from '../push/enrollment-uri.js';
import { PROTOCOL_VERSION } from '../push/protocol-version.js';
import type { AccountStore, AuthenticatorAccount } from './account-store.js';
import { newNonce, signedRequestInit, signText } from './device-request.js';
import type { DeviceRequest } from './device-request.js';

/** A challenge as the device API sends it (docs/push-protocol.md §4.1). */
export interface PendingChallenge {
  id: string;
  createdAt: number;
  expiresAt: number;
  issuer: string;
  accountName: string;
  context: { ip: string | null; userAgent: string | null; time: number };
  numberDigits: number;
  pinRequired: boolean;
}

export type Decision = 'approve' | 'deny' | 'fraud';

/** A Web Push subscription as the browser's `PushSubscription.toJSON()` gives it. */
export interface PushSubscriptionJson {
  endpoint: string;
  expirationTime?: number | null;
  keys: { p256dh: string; auth: string };
}

/** The server refused a request; `code` is the protocol's error code (unauthorized, number_mismatch, ...). */
export class AuthenticatorError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly attemptsLeft?: number) {
    super(message);
    this.name = 'AuthenticatorError';
  }
}

export interface AuthenticatorClientOptions {
  store: AccountStore;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** ms since the epoch. @default Date.now */
  clock?: () => number;
  /** @default globalThis.crypto */
  crypto?: Crypto;
  /**
   * RFC 6238 code generator. @default otplib's `generate`, imported when first needed. A page
   * that loads otplib's self-contained browser build (`otplib/dist/index.global.js`) passes
   * `globalThis.otplib.generate`, so the library itself needs no import map.
   */
  totp?: TotpGenerator;
}

/** otplib's functional `generate` signature, as far as the client uses it. */
export type TotpGenerator = (options: { secret: string; algorithm: 'sha1' | 'sha256' | 'sha512'; digits: 6 | 7 | 8; period: number; epoch: number }) => Promise<string>;

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * A companion authenticator speaking the passport-mfa push protocol. WebCrypto only
 * (`globalThis.crypto.subtle`), so the same code runs in Node 20 and in browsers.
 */
export class AuthenticatorClient {
  readonly #store: AccountStore;
  readonly #fetch: typeof fetch;
  readonly #clock: () => number;
  readonly #crypto: Crypto;
  #totp: TotpGenerator | undefined;

  constructor(options: AuthenticatorClientOptions) {
    this.#totp = options.totp;
    this.#store = options.store;
    this.#fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.#clock = options.clock ?? Date.now;
    this.#crypto = options.crypto ?? globalThis.crypto;
  }

  /** Reads the QR text, or Code + URL typed by hand; throws TypeError saying what is wrong. */
  static enrollment(input: string | { code: string; url: string }): Enrollment {
    return typeof input === 'string' ? parseEnrollmentUri(input) : checkEnrollment(input.url, input.code);
  }

  accounts(): Promise<AuthenticatorAccount[]> {
    return this.#store.list();
  }

  /** Makes a key pair, proves possession to the server with the activation code, saves the account. */
  async activate(input: string | { code: string; url: string }, deviceName?: string): Promise<AuthenticatorAccount> {
    const { url, code } = AuthenticatorClient.enrollment(input);
    const keys = (await this.#crypto.subtle.generateKey(ECDSA, !this.#store.keepsCryptoKeys, ['sign', 'verify'])) as CryptoKeyPair;
    const jwk = await this.#crypto.subtle.exportKey('jwk', keys.publicKey);
    const publicKey = { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! };
    const target = new URL(url);
    const body: Record<string, unknown> = { v: PROTOCOL_VERSION, code, publicKey };
    if (deviceName !== undefined) body.deviceName = deviceName;
    const result = (await this.#send(target.origin, 'POST', target.pathname, null, keys.privateKey, body)) as {
      deviceId: string; deviceApi: string; issuer: string; accountName: string; totp: AuthenticatorAccount['totp'];
    };
    const account: AuthenticatorAccount = {
      deviceId: result.deviceId,
      issuer: result.issuer,
      accountName: result.accountName,
      origin: target.origin,
      deviceApi: result.deviceApi,
      activatedAt: this.#clock(),
      totp: result.totp,
      privateKey: keys.privateKey,
      publicKey,
    };
    await this.#store.save(account);
    return account;
  }

  /** Long-polls for the account's open challenges (answered at once when there are any). */
  async waitForChallenges(account: AuthenticatorAccount, waitSeconds = 25): Promise<PendingChallenge[]> {
    const path = `${account.deviceApi}/challenges?wait=${Math.max(0, Math.min(25, Math.floor(waitSeconds)))}`;
    const result = (await this.#send(account.origin, 'GET', path, account.deviceId, account.privateKey, null)) as { challenges: PendingChallenge[] };
    return result.challenges;
  }

  /**
   * Answers a challenge: approve (with the number typed from the browser, and the PIN when
   * required), deny, or fraud ("This wasn't me"). Returns the server's status.
   */
  async answer(account: AuthenticatorAccount, challengeId: string, decision: Decision, options: { number?: string; pin?: string } = {}): Promise<string> {
    const answer: Record<string, unknown> = {
      v: PROTOCOL_VERSION,
      challengeId,
      decision,
      number: decision === 'approve' ? (options.number ?? '').trim() : null,
      deviceId: account.deviceId,
      timestamp: this.#clock(),
    };
    if (decision === 'approve' && options.pin !== undefined) answer.pin = options.pin;
    const signature = await signText(this.#crypto, account.privateKey, canonicalJson(answer));
    const path = `${account.deviceApi}/challenges/${encodeURIComponent(challengeId)}/answer`;
    const result = (await this.#send(account.origin, 'POST', path, account.deviceId, account.privateKey, { v: PROTOCOL_VERSION, answer, signature })) as { status: string };
    return result.status;
  }

  /**
   * Registers the account's Web Push subscription (a browser's `PushSubscription.toJSON()`:
   * `{ endpoint, keys: { p256dh, auth } }`) so the server can wake the device when a request waits.
   * `expirationTime` is not sent: the server ignores it. Servers without Web Push answer 404
   * `web_push_unavailable`: keep long-polling.
   */
  async registerPushSubscription(account: AuthenticatorAccount, subscription: PushSubscriptionJson): Promise<void> {
    const { endpoint, keys } = subscription;
    const body = { v: PROTOCOL_VERSION, endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
    await this.#send(account.origin, 'PUT', `${account.deviceApi}/push-subscription`, account.deviceId, account.privateKey, body);
  }

  /** Removes the account's Web Push subscription from the server. */
  async unregisterPushSubscription(account: AuthenticatorAccount): Promise<void> {
    await this.#send(account.origin, 'DELETE', `${account.deviceApi}/push-subscription`, account.deviceId, account.privateKey, null);
  }

  /** The current one-time code of every account (offline; otplib, which runs in Node and browsers). */
  async codes(): Promise<Array<{ issuer: string; accountName: string; code: string; secondsLeft: number }>> {
    const epoch = Math.floor(this.#clock() / 1000);
    const generate = (this.#totp ??= (await import('otplib')).generate as TotpGenerator);
    return Promise.all((await this.#store.list()).map(async (a) => ({
      issuer: a.issuer,
      accountName: a.accountName,
      code: await generate({ secret: a.totp.secret, algorithm: a.totp.algorithm, digits: a.totp.digits as 6 | 7 | 8, period: a.totp.period, epoch }),
      secondsLeft: a.totp.period - (epoch % a.totp.period),
    })));
  }

  async #send(origin: string, method: DeviceRequest['method'], path: string, deviceId: string | null, key: CryptoKey, body: unknown): Promise<unknown> {
    const init = await signedRequestInit(this.#crypto, key, { method, path, deviceId, body, timestamp: this.#clock(), nonce: newNonce(this.#crypto) });
    // Never through the HTTP cache: a browser lets only one request per URL use a cache entry at a
    // time, so a second account's long-poll to the same `challenges?wait=25` would stall behind the
    // first for up to 20 s (Chromium's cache lock) whatever the response's Cache-Control says.
    const response = await this.#fetch(origin + path, { ...init, cache: 'no-store' });
    const payload = (await response.json().catch(() => ({}))) as { error?: string; message?: string; attemptsLeft?: number };
    if (!response.ok) {
      throw new AuthenticatorError(response.status, payload.error ?? 'http_error', payload.message ?? `HTTP ${response.status}`, payload.attemptsLeft);
    }
    return payload;
  }
}

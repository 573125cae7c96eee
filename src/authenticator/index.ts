export { AuthenticatorClient, AuthenticatorError } from './client.js';
export type { AuthenticatorClientOptions, Decision, PendingChallenge, PushSubscriptionJson, TotpGenerator } from './client.js';
export { IndexedDbAccountStore } from './indexeddb-account-store.js';
export { MemoryAccountStore } from './account-store.js';
export type { AccountStore, AuthenticatorAccount } from './account-store.js';
export { toBase64url, fromBase64url } from './base64url.js';
export { buildEnrollmentUri, checkEnrollment, parseEnrollmentUri } from '../push/enrollment-uri.js';
export type { Enrollment } from '../push/enrollment-uri.js';
export { canonicalJson } from '../push/canonical-json.js';

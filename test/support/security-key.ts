import type { Response } from 'supertest';
import { chooseMethod, csrfOf, postForm } from './mfa-flow.js';
import type { Agent } from './mfa-flow.js';
import type { SoftAuthenticator } from './soft-authenticator.js';

/** The origin the security-key tests configure (the example app's `origin`), as a browser would report it. */
export const KEY_ORIGIN = 'http://localhost:3000';
export const KEY_RP_ID = 'localhost';

/** Asks for a ceremony's options as the page script does: a POST with the page's CSRF token, JSON back. */
export async function ceremonyOptions(a: Agent, path: string, pagePath: string): Promise<{ status: number; challenge: string; body: Record<string, unknown> }> {
  const token = await csrfOf(a, pagePath);
  const res = await a.post(path).type('form').set('Accept', 'application/json').send({ _csrf: token }).redirects(0);
  const body = res.body as Record<string, unknown>;
  return { status: res.status, challenge: typeof body.challenge === 'string' ? body.challenge : '', body };
}

/**
 * Security key → Set up on the wizard's first page or, for a user who has a method already (whom
 * /mfa/setup sends there), Security key → Next on Add method; the agent is then on /mfa/setup/security-key.
 */
export function chooseSecurityKey(a: Agent): Promise<Response> {
  return chooseMethod(a, 'security_key', { contact: 'security_key' });
}

/** The registration form's POST with what the authenticator answered (`response` as the page script fills it). */
export async function registerWith(a: Agent, authenticator: SoftAuthenticator, name: unknown = 'YubiKey 5C', origin = KEY_ORIGIN): Promise<Response> {
  const { challenge } = await ceremonyOptions(a, '/mfa/setup/security-key/options', '/mfa/setup/security-key');
  return postForm(a, '/mfa/setup/security-key', { name, response: authenticator.register({ challenge, origin, rpId: KEY_RP_ID }) });
}

/** A fresh sign-in challenge for this agent and the authenticator's answer to it (not posted yet). */
export async function assertionFor(a: Agent, authenticator: SoftAuthenticator, origin = KEY_ORIGIN): Promise<string> {
  const { challenge, status } = await ceremonyOptions(a, '/mfa/verify/security-key/options', '/mfa/verify');
  if (status !== 200) throw new Error(`no sign-in options: ${status}`);
  return authenticator.assert({ challenge, origin, rpId: KEY_RP_ID });
}

/** Posts an answer to the verify page's "Use security key" form. */
export function postAssertion(a: Agent, response: unknown): Promise<Response> {
  return postForm(a, '/mfa/verify/security-key', { response }, '/mfa/verify');
}

/** The harness's parts these helpers use. */
interface KeyHarness {
  agent(): Agent;
  login(a: Agent, username?: string, password?: string): Promise<unknown>;
  users: { create(username: string, password: string): Promise<{ id: string } | null> };
}

let users = 0;

/** A new account signed in with its password only (its second step not started). */
export async function newUser(h: KeyHarness): Promise<{ agent: Agent; userId: string; username: string; password: string }> {
  const username = `user${++users}`;
  const password = `password of ${username}`;
  const user = await h.users.create(username, password);
  if (!user) throw new Error(`could not create ${username}`);
  const agent = h.agent();
  await h.login(agent, username, password);
  return { agent, userId: user.id, username, password };
}

/** A new account whose first method is a security key registered from the wizard; its agent is fully signed in. */
export async function userWithKey(h: KeyHarness, key: SoftAuthenticator, name = 'My key', origin = KEY_ORIGIN): Promise<{ agent: Agent; userId: string; username: string; password: string }> {
  const user = await newUser(h);
  await chooseSecurityKey(user.agent);
  const res = await registerWith(user.agent, key, name, origin);
  if (res.status !== 303) throw new Error(`registration failed: ${res.status} ${res.text.slice(0, 300)}`);
  return user;
}

/** Another agent of this account past the password step, on its way to the verify page. */
export async function halfSignedInAs(h: KeyHarness, user: { username: string; password: string }): Promise<Agent> {
  const a = h.agent();
  await h.login(a, user.username, user.password);
  await a.get('/').redirects(0);
  return a;
}

import type { Request } from 'express';
import type { ResolvedOptions } from '../options.js';
import { completedFor } from '../second-step/session-state.js';

/** The account bar at the top of every page: who is signing in, and the ways out. */
export interface AccountContext {
  /** The host's name for the user (`getAccountName`), e.g. 'alice'. */
  name: string;
  /**
   * Whether this session completed the second step ("Signed in as") or is still in it ("Signing
   * in as"); null on an error page, where it may be the very thing that could not be checked.
   */
  signedIn: boolean | null;
  /** "Sign out" POSTs here (the host's route, `logoutPath`); false hides it. */
  logoutPath: string | false;
  /** "Back to the app": only once signed in, since the app would send a half-signed-in visitor straight back. */
  appPath: string | null;
}

type AccountOptions = Pick<ResolvedOptions, 'getUserId' | 'getAccountName' | 'logoutPath' | 'defaultReturnTo'>;

/**
 * The account bar for this request, or null when nobody has passed the host's first step. On an
 * error page (`errorPage`) it names the account and offers "Sign out" but claims nothing more: the
 * error may be that the session could not be checked (a store outage).
 */
export function accountContext(options: AccountOptions, req: Request, errorPage = false): AccountContext | null {
  if (!req.user) return null;
  const signedIn = errorPage ? null : completedFor(req, options.getUserId(req.user)) !== null;
  return {
    name: options.getAccountName(req.user),
    signedIn,
    logoutPath: options.logoutPath,
    appPath: signedIn === true ? options.defaultReturnTo : null,
  };
}

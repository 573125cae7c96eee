declare module '../../events.js' {
  interface MfaEventTypes {
    /** A recovery code completed a sign-in; `remaining` says how many are left. */
    'recovery_code.used': true;
    /** A new set of recovery codes replaced the old one. */
    'recovery_codes.generated': true;
  }
  interface MfaEvent {
    /** recovery_code.used: how many unused codes the user has left. */
    remaining?: number | undefined;
  }
}

export {};

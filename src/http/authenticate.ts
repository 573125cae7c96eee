import type { Request, Response } from 'express';
import type { MfaContext } from '../context.js';
import { ConfigurationError } from '../errors.js';
import type { MfaFailureInfo, MfaStrategyOptions, MfaSuccessInfo } from '../passport/mfa-strategy.js';
import { completeSecondFactor } from './complete-second-factor.js';

export type SecondStepResult = { ok: true; returnTo: string; info: MfaSuccessInfo } | { ok: false; info: MfaFailureInfo };

/**
 * Runs the host-registered 'mfa' strategy through Passport and, on success, completes the
 * second step (new session id, completed factor recorded). Store failures reject (→ 503).
 */
export async function runSecondStep(ctx: MfaContext, req: Request, res: Response, mode: 'enroll' | 'verify'): Promise<SecondStepResult> {
  const { passport, strategyName } = ctx.options;
  if (!(passport as unknown as { _strategy(name: string): unknown })._strategy(strategyName)) {
    throw new ConfigurationError(`passport-mfa: register the strategy first: passport.use('${strategyName}', mfa.strategy)`);
  }
  const outcome = await new Promise<{ user: Express.User | false; info: unknown }>((resolve, reject) => {
    passport.authenticate(strategyName, { mode } satisfies MfaStrategyOptions, (err: unknown, user: Express.User | false, info: unknown) =>
      err ? reject(err) : resolve({ user, info }),
    )(req, res, reject);
  });
  if (!outcome.user) return { ok: false, info: outcome.info as MfaFailureInfo };
  const info = outcome.info as MfaSuccessInfo;
  const returnTo = await completeSecondFactor(ctx, req, outcome.user, info);
  return { ok: true, returnTo, info };
}

import type { Request, Response } from 'express';
import type { ResolvedOptions } from '../options.js';
import type { StepUpRequirement, UnmetRequirement } from '../policy/step-up.js';
import { saveSession, sessionState } from '../second-step/session-state.js';
import { requestedPath } from './flow.js';
import { wantsJson } from './wants-json.js';

const DESCRIPTIONS: Record<UnmetRequirement, string> = {
  max_age: 'More recent authentication is required',
  phishing_resistant: 'A phishing-resistant authentication is required',
};

/**
 * Sends a signed-in session whose step does not meet `requirement` to verify again, back to the
 * same URL afterwards. Scripts get 401 `{ error: 'mfa_step_up', location }` with a
 * WWW-Authenticate challenge in the style of RFC 9470 (OAuth 2.0 Step Up Authentication).
 */
export async function stepUp(
  options: Pick<ResolvedOptions, 'basePath' | 'clock' | 'defaultReturnTo'>,
  req: Request,
  res: Response,
  userId: string,
  requirement: StepUpRequirement,
  unmet: UnmetRequirement,
): Promise<void> {
  sessionState(req).pending = {
    userId,
    startedAt: options.clock(),
    returnTo: requestedPath(options, req),
    reverify: true,
    ...(requirement.phishingResistant ? { phishingResistant: true } : {}),
  };
  await saveSession(req);
  const location = `${options.basePath}/verify`;
  if (!wantsJson(req)) return void res.redirect(303, location);
  res.setHeader('WWW-Authenticate', stepUpChallenge(requirement, unmet));
  res.status(401).json({ error: 'mfa_step_up', location, message: `${DESCRIPTIONS[unmet]}. Verify your identity again.` });
}

/**
 * `Bearer error="insufficient_user_authentication", error_description="…", acr_values="phr", max_age="300"`:
 * RFC 9470's parameters for what is missing. `phr` is the phishing-resistant value of the OpenID
 * Extended Authentication Profile's ACR values; `max_age` is in seconds.
 */
function stepUpChallenge(requirement: StepUpRequirement, unmet: UnmetRequirement): string {
  const params = [`error="insufficient_user_authentication"`, `error_description="${DESCRIPTIONS[unmet]}"`];
  if (requirement.phishingResistant) params.push('acr_values="phr"');
  if (requirement.maxAgeMs !== null) params.push(`max_age="${Math.floor(requirement.maxAgeMs / 1000)}"`);
  return `Bearer ${params.join(', ')}`;
}

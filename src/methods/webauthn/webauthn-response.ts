import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';

/**
 * What a browser posts back after a ceremony, checked for shape before any of it reaches the
 * verifier: it arrives as one form field of untrusted JSON. Sizes are far above what real
 * authenticators send (a credential id is at most 1023 bytes; attestation is 'none', so the
 * attestation object is a few hundred bytes) and far below the page's body limit.
 */
const b64url = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');
const TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'] as const;

const common = {
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal('public-key'),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
};

const registrationShape = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url(4096),
    attestationObject: b64url(8192),
    // Unknown transports are dropped rather than refused: browsers add new ones over time.
    transports: z.array(z.string().max(32)).max(16).optional().transform((list) => list?.filter((t): t is (typeof TRANSPORTS)[number] => (TRANSPORTS as readonly string[]).includes(t))),
  }).passthrough(),
});

const authenticationShape = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url(4096),
    authenticatorData: b64url(4096),
    signature: b64url(1024),
    userHandle: b64url(128).optional(),
  }),
});

/** The registration response in a form field, or null when it is not one. */
export function parseRegistrationResponse(field: unknown): RegistrationResponseJSON | null {
  const parsed = registrationShape.safeParse(parseJson(field));
  return parsed.success ? (parsed.data as RegistrationResponseJSON) : null;
}

/** The authentication response (assertion) in a form field, or null when it is not one. */
export function parseAuthenticationResponse(field: unknown): AuthenticationResponseJSON | null {
  const parsed = authenticationShape.safeParse(parseJson(field));
  return parsed.success ? (parsed.data as AuthenticationResponseJSON) : null;
}

function parseJson(field: unknown): unknown {
  if (typeof field !== 'string' || field.length === 0 || field.length > 16_384) return null;
  try {
    return JSON.parse(field);
  } catch {
    return null;
  }
}

import type { z } from 'zod';
import { InvalidInputError, UnsupportedVersionError } from '../errors.js';
import { PROTOCOL_VERSION } from './protocol-version.js';

/**
 * Refuses a version this server does not speak: an X-MFA-Version header (text) or a message's
 * `v` member. Absent means version 1, as written before the field existed.
 */
export function assertSupportedVersion(version: unknown): void {
  if (version !== undefined && version !== PROTOCOL_VERSION && version !== String(PROTOCOL_VERSION)) {
    throw new UnsupportedVersionError([PROTOCOL_VERSION]);
  }
}

/**
 * Validates a device request body against its schema (protocol-schemas.ts); a message of another
 * version gets 400 unsupported_version, anything else that does not match 400 `code` with a
 * message naming the first problem.
 */
export function parseMessage<S extends z.ZodType>(schema: S, body: unknown, code: string, what: string): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidInputError(`Invalid ${what}: send a JSON object (Content-Type: application/json).`, code);
  }
  assertSupportedVersion((body as { v?: unknown }).v);
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new InvalidInputError(`Invalid ${what}: ${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`, code);
}

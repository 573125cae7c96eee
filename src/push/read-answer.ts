import type { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import type { PushDeviceRecord } from '../stores/push-records.js';
import { canonicalJson } from './canonical-json.js';
import { assertSupportedVersion, parseMessage } from './parse-message.js';
import { answerRequestSchema } from './protocol-schemas.js';
import type { answerSchema } from './protocol-schemas.js';
import { CLOCK_SKEW_MS } from './request-auth.js';
import { verifySignature } from './signature.js';

type Answer = z.output<typeof answerSchema>;

/**
 * Validates an answer body (docs/push-protocol.md §4.2) of an authenticated device request: its
 * shape, that it answers the challenge in the URL from the device in the headers, its own
 * timestamp (±60 s, independent of X-MFA-Timestamp), and its signature over the answer as
 * received. Returns the answer and the evidence to keep (the answer without the PIN).
 */
export function readAnswer(body: unknown, device: PushDeviceRecord, challengeId: string, now: number): { answer: Answer; evidence: string } {
  const invalid = (why: string) => new InvalidInputError(`Invalid answer: ${why}.`, 'invalid_answer');
  const { answer, signature } = parseMessage(answerRequestSchema, body, 'invalid_answer', 'answer');
  assertSupportedVersion(answer.v);
  if (answer.challengeId !== challengeId) throw invalid('answer.challengeId is not the challenge in the URL');
  if (answer.deviceId !== device.id) throw invalid('answer.deviceId is not the X-MFA-Device header');
  if (Math.abs(now - answer.timestamp) > CLOCK_SKEW_MS) throw invalid('answer.timestamp is more than 60 s away from the server\'s clock');
  // Signed as received: the parsed copy could differ (e.g. in members the schema drops).
  const received = (body as { answer: Record<string, unknown> }).answer;
  if (!device.publicKey || !verifySignature(device.publicKey, signedText(received), signature)) throw invalid('the signature is not valid for this answer and device');
  // Kept as evidence of who answered what; the PIN never goes into the store.
  const { pin, ...withoutPin } = received;
  const evidence = canonicalJson({ answer: withoutPin, pinSent: pin !== undefined && pin !== null, signature });
  return { answer, evidence };
}

/** The answer's canonical JSON, or '' when it has none (then no signature can match). */
function signedText(answer: Record<string, unknown>): string {
  try {
    return canonicalJson(answer);
  } catch {
    return '';
  }
}

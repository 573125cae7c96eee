import { DeviceUnauthorizedError } from '../errors.js';
import type { StoreWith } from '../stores/mfa-store.js';
import type { PublicJwk, PushDeviceRecord } from '../stores/push-records.js';
import { assertSupportedVersion } from './parse-message.js';
import { VERSION_HEADER } from './protocol-version.js';
import { requestSigningInput } from './request-signing-input.js';
import { verifySignature } from './signature.js';

/** How far a request's timestamp may be from the server's clock (docs/push-protocol.md §2). */
export const CLOCK_SKEW_MS = 60_000;

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const TIMESTAMP = /^[0-9]{1,16}$/;

/** The parts of an HTTP request that the signature covers. */
export interface SignedRequest {
  method: string;
  /** Absolute path plus query string, exactly as requested. */
  path: string;
  header(name: string): string | undefined;
  /** Parsed JSON body, or null. */
  body: unknown;
}

/**
 * Checks a device request's headers, freshness, signature and nonce and returns its device.
 * A version this server does not speak throws UnsupportedVersionError first (the signed envelope
 * depends on it); every other failure throws the same DeviceUnauthorizedError. With `activationKey` the request is an
 * activation: no device id, signed by the key being registered; its nonce scope is the activation id.
 */
export async function authenticateDeviceRequest(
  store: StoreWith<'push'>,
  now: number,
  req: SignedRequest,
  activation?: { id: string; key: PublicJwk },
): Promise<PushDeviceRecord | null> {
  const version = req.header(VERSION_HEADER);
  assertSupportedVersion(version);
  const deviceId = req.header('x-mfa-device');
  const timestampText = req.header('x-mfa-timestamp');
  const nonce = req.header('x-mfa-nonce');
  const signature = req.header('x-mfa-signature');
  if (!timestampText || !TIMESTAMP.test(timestampText) || !nonce || !NONCE.test(nonce)) throw new DeviceUnauthorizedError();
  const timestamp = Number(timestampText);
  if (Math.abs(now - timestamp) > CLOCK_SKEW_MS) throw new DeviceUnauthorizedError();

  let device: PushDeviceRecord | null = null;
  let key: PublicJwk;
  if (activation) {
    if (deviceId !== undefined) throw new DeviceUnauthorizedError();
    key = activation.key;
  } else {
    if (!deviceId || deviceId.length > 64) throw new DeviceUnauthorizedError();
    device = await store.push.getDevice(deviceId);
    if (!device || device.activatedAt === null || device.publicKey === null) throw new DeviceUnauthorizedError();
    // A removed factor (Security info → Delete, admin reset) leaves its device record behind.
    const factor = await store.core.getFactor(device.id);
    if (!factor || factor.type !== 'push' || factor.userId !== device.userId) throw new DeviceUnauthorizedError();
    key = device.publicKey;
  }
  let input: string;
  try {
    input = requestSigningInput({ v: version === undefined ? null : Number(version), method: req.method, path: req.path, deviceId: deviceId ?? null, timestamp, nonce, body: req.body });
  } catch {
    throw new DeviceUnauthorizedError();
  }
  if (!verifySignature(key, input, signature)) throw new DeviceUnauthorizedError();
  // After the signature: nobody but the key holder can use up a device's nonces.
  const scope = activation ? `activation:${activation.id}` : `device:${deviceId}`;
  if (!(await store.push.consumeNonce(scope, nonce, timestamp + CLOCK_SKEW_MS + 1, now))) throw new DeviceUnauthorizedError();
  return device;
}

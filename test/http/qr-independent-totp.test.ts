import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import jsQRModule from 'jsqr';
import * as OTPAuth from 'otpauth';
import { PNG } from 'pngjs';
import { startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';
import { findTool } from '../support/requirements.js';
import { nextSetupStep } from '../support/setup-wizard.js';

// jsqr is CommonJS typed as an ES module: under NodeNext its default import is module.exports,
// whose `default` property is the decoder function.
const jsQR = jsQRModule.default;

/** OATH Toolkit's oathtool (C), a third voice where it is installed; CI installs it. */
const oathtool = findTool('oathtool');

/** What an authenticator app reads from a scanned otpauth:// URI (Key URI Format defaults applied). */
interface ScannedKey {
  uri: URL;
  secret: string;
  algorithm: string;
  digits: string;
  period: string;
}

async function scanQr(a: Agent): Promise<ScannedKey> {
  const res = await a.get('/mfa/setup/totp/qr.png').buffer(true);
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'image/png');
  assert.ok(Buffer.isBuffer(res.body), 'the QR route answers with PNG bytes');
  const png = PNG.sync.read(res.body as Buffer);
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(decoded, 'the PNG decodes as a QR code');
  const uri = new URL(decoded.data);
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  const secret = uri.searchParams.get('secret');
  assert.ok(secret, 'the URI carries the secret');
  return {
    uri,
    secret,
    algorithm: uri.searchParams.get('algorithm') ?? 'SHA1',
    digits: uri.searchParams.get('digits') ?? '6',
    period: uri.searchParams.get('period') ?? '30',
  };
}

/** The code oathtool (OATH Toolkit, a separate C implementation) computes for `key` at `epochMs`. */
function oathtoolCode(path: string, key: ScannedKey, epochMs: number): string {
  // oathtool's --now takes GNU date syntax; "YYYY-MM-DD HH:MM:SS UTC" is unambiguous.
  const now = `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  const args = [`--totp=${key.algorithm.toLowerCase()}`, '--base32', `--digits=${key.digits}`, `--time-step-size=${key.period}s`, `--now=${now}`, key.secret];
  return execFileSync(path, args, { encoding: 'utf8' }).trim();
}

/**
 * The code otpauth (a separate JavaScript TOTP implementation, from the npm registry, so this check
 * runs on every machine) computes for the scanned otpauth:// URI at `epochMs`.
 */
function otpauthCode(key: ScannedKey, epochMs: number): string {
  const parsed = OTPAuth.URI.parse(key.uri.href);
  assert.ok(parsed instanceof OTPAuth.TOTP, 'otpauth reads the URI as a TOTP key');
  return parsed.generate({ timestamp: epochMs });
}

describe('setup QR code, scanned and checked by independent TOTP implementations', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  it('encodes the secret shown on the page; otpauth (and oathtool) agree on the codes; the current one enrolls, +2 steps does not', async (t) => {
    const a = h.agent();
    await h.login(a);
    const shownSecret = await h.beginSetup(a);

    const key = await scanQr(a);
    assert.equal(key.secret, shownSecret, 'QR and manual details carry the same secret');
    assert.deepEqual([key.algorithm, key.digits, key.period], ['SHA1', '6', '30'], 'what every authenticator app supports');

    // Cross-check our own code generator against the others first, so a mismatch points at the cause.
    const now = h.clock.now();
    const current = otpauthCode(key, now);
    assert.match(current, /^[0-9]{6}$/);
    assert.equal(current, h.codeFor(shownSecret), 'otpauth and passport-mfa agree on the current code');
    for (const offset of [-1, 1, 2]) assert.equal(otpauthCode(key, now + offset * 30_000), h.codeFor(shownSecret, offset), `and ${offset} step(s) away`);
    if (oathtool) {
      assert.equal(oathtoolCode(oathtool, key, now), current, 'oathtool agrees too');
    } else if (process.env.CI === 'true') {
      assert.fail('CI=true but oathtool is missing (apt-get install oathtool)');
    } else {
      t.diagnostic('oathtool is not installed: the codes were checked by otpauth and passport-mfa only');
    }

    // Attack: a code from outside the ±1-step window (two periods ahead) must not enroll the factor.
    const twoAhead = otpauthCode(key, now + 2 * 30_000);
    assert.notEqual(twoAhead, current);
    const refused = await h.submitCode(a, '/mfa/setup/totp', twoAhead);
    assert.equal(refused.status, 401);
    assert.match(refused.text, /role="alert"/);

    const accepted = await h.submitCode(a, '/mfa/setup/totp', current);
    assert.equal(accepted.status, 303);
    assert.equal(accepted.headers.location, `/mfa${nextSetupStep('/setup/totp')}`, 'accepted: the wizard goes on to its next step');
    assert.match((await a.get('/')).text, /Signed in as alice/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import passport from 'passport';
import { ConfigurationError } from '../src/errors.js';
import { createMfa } from '../src/mfa.js';
import { DEFAULTS, resolveOptions } from '../src/options.js';
import type { MfaOptions } from '../src/options.js';
import { MemoryStore } from '../src/stores/memory/memory-store.js';
import { MemoryCore } from '../src/stores/memory/memory-core.js';
import { InProcessWakeup } from '../src/transports/wakeup.js';

// Attack: a misconfiguration (weak key, lockout above NIST's cap, off-site paths) silently
// weakening every deployment. Each wrong option must stop startup and say which one it is.
const store = new MemoryStore({ warn: () => {} });
const valid: MfaOptions = { issuer: 'Contoso', store, secretKey: 'ab'.repeat(32) };

/** `path` is how the option is named in the error, e.g. 'lockout.hardLimit'. */
function assertRefused(path: string, patch: Record<string, unknown>, extra?: RegExp) {
  const options = { ...valid, ...patch } as MfaOptions;
  assert.throws(() => createMfa(options), (error: unknown) => {
    assert.ok(error instanceof ConfigurationError, `${path}: ${String(error)}`);
    const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(error.message, new RegExp(`(^|[^\\w.])${escaped}(?![\\w])`), `message must name ${path}`);
    if (extra) assert.match(error.message, extra);
    return true;
  });
}

describe('createMfa options', () => {
  it('accepts the minimal valid options', () => {
    assert.doesNotThrow(() => createMfa(valid));
  });

  const invalid: [string, Record<string, unknown>, RegExp?][] = [
    ['issuer', { issuer: undefined }],
    ['issuer', { issuer: '' }],
    ['issuer', { issuer: '   ' }],
    ['issuer', { issuer: 'Con:toso' }, /":"/],
    ['issuer', { issuer: 'x'.repeat(65) }],
    ['issuer', { issuer: 42 }],
    ['store', { store: undefined }, /SqliteStore/],
    ['store', { store: {} }],
    ['store', { store: { core: { ...Object.fromEntries(Object.getOwnPropertyNames(MemoryCore.prototype).map((m) => [m, () => {}])), recordFailure: undefined } } }],
    ['secretKey', { secretKey: undefined }],
    ['secretKey', { secretKey: '' }],
    ['secretKey', { secretKey: [] }],
    ['secretKey', { secretKey: 12345 }],
    ['secretKey', { secretKey: 'too-short' }, /32 bytes/],
    ['secretKey', { secretKey: Buffer.alloc(16) }, /32 bytes/],
    ['secretKey', { secretKey: [{ id: 'new', key: 'ab'.repeat(32) }, { id: 'old', key: 'ab'.repeat(31) }] }, /"old"/],
    ['basePath', { basePath: 'mfa' }],
    ['basePath', { basePath: '/mfa/' }],
    ['basePath', { basePath: '//evil.com' }],
    ['loginPath', { loginPath: 'https://evil.com/login' }],
    ['loginPath', { loginPath: '/\\evil.com' }],
    ['logoutPath', { logoutPath: 'https://evil.com/logout' }],
    ['logoutPath', { logoutPath: '//evil.com/logout' }],
    ['logoutPath', { logoutPath: true }],
    ['logoutPath', { logoutPath: '/mfa/logout' }, /outside basePath/],
    ['logoutPath', { logoutPath: '/account/mfa', basePath: '/account/mfa' }, /outside basePath/],
    ['defaultReturnTo', { defaultReturnTo: '//evil.com' }],
    ['defaultReturnTo', { defaultReturnTo: 'javascript:alert(1)' }],
    ['defaultReturnTo', { defaultReturnTo: '/ home' }],
    ['passport', { passport: {} }],
    ['strategyName', { strategyName: '' }],
    ['getUserId', { getUserId: 'id' }],
    ['getAccountName', { getAccountName: 1 }],
    ['pendingTtlMs', { pendingTtlMs: 0 }],
    ['pendingTtlMs', { pendingTtlMs: 1.5 * 60_000 + 0.5 }],
    ['pendingTtlMs', { pendingTtlMs: 2 * 60 * 60_000 }],
    ['pendingTtlMs', { pendingTtlMs: '600000' }],
    ['reverifyAfterMs', { reverifyAfterMs: 1000 }],
    ['allowRemovingLastMethod', { allowRemovingLastMethod: 'yes' }],
    ['sessionCheckCacheMs', { sessionCheckCacheMs: 1001 }, /within a second/],
    ['sessionCheckCacheMs', { sessionCheckCacheMs: -1 }],
    ['sessionCheckCacheMs', { sessionCheckCacheMs: 0.5 }],
    ['lockout', { lockout: 5 }],
    ['lockout', { lockout: { attempts: 5 } }, /attempts/],
    ['lockout.threshold', { lockout: { threshold: 0 } }],
    ['lockout.threshold', { lockout: { threshold: 101 } }],
    ['lockout.durationMs', { lockout: { durationMs: 10 } }],
    ['lockout.hardLimit', { lockout: { hardLimit: 101 } }, /100/],
    ['lockout.hardLimit', { lockout: { hardLimit: 1000 } }, /100/],
    ['lockout.hardLimit', { lockout: { hardLimit: 0 } }],
    ['totp', { totp: { seconds: 30 } }, /seconds/],
    ['totp.algorithm', { totp: { algorithm: 'md5' } }],
    ['totp.digits', { totp: { digits: 5 } }],
    ['totp.digits', { totp: { digits: 10 } }],
    ['totp.period', { totp: { period: 5 } }],
    ['totp.window', { totp: { window: 2 } }],
    ['totp.secretBytes', { totp: { secretBytes: 10 } }],
    ['views', { views: '' }],
    ['onEvent', { onEvent: 'console.log' }],
    ['clock', { clock: Date.now() }],
    ['random', { random: 'crypto' }],
    ['onEvents', { onEvents: () => {} }],
    ['wakeup', { wakeup: { publish: () => {} } }, /must implement Wakeup/],
  ];
  for (const [path, patch, extra] of invalid) {
    it(`refuses ${path} = ${JSON.stringify(Object.values(patch)[0]) ?? 'undefined'} with a ConfigurationError naming it`, () => {
      assertRefused(path, patch, extra);
    });
  }

  it('names every wrong option at once', () => {
    assert.throws(() => createMfa({ ...valid, issuer: '', lockout: { hardLimit: 500 }, totp: { window: 3 } } as unknown as MfaOptions), (error: Error) => {
      for (const name of ['issuer', 'lockout.hardLimit', 'totp.window']) assert.ok(error.message.includes(name), name);
      return true;
    });
  });

  it('applies the documented defaults', () => {
    const resolved = resolveOptions(valid);
    assert.deepEqual(
      {
        basePath: resolved.basePath,
        loginPath: resolved.loginPath,
        logoutPath: resolved.logoutPath,
        defaultReturnTo: resolved.defaultReturnTo,
        strategyName: resolved.strategyName,
        pendingTtlMs: resolved.pendingTtlMs,
        reverifyAfterMs: resolved.reverifyAfterMs,
        allowRemovingLastMethod: resolved.allowRemovingLastMethod,
        sessionCheckCacheMs: resolved.sessionCheckCacheMs,
        lockout: resolved.lockout,
        totp: resolved.totp,
        phone: {
          codeDigits: resolved.phone.codeDigits,
          codeTtlMs: resolved.phone.codeTtlMs,
          sendsPerUserPerHour: resolved.phone.sendsPerUserPerHour,
          sendsPerIpPerHour: resolved.phone.sendsPerIpPerHour,
          allowedCountries: resolved.phone.allowedCountries,
        },
        appPasswords: {
          maxPerUser: resolved.appPasswords.maxPerUser,
          maxAgeMs: resolved.appPasswords.maxAgeMs,
          scope: resolved.appPasswords.scope,
          rateLimit: resolved.appPasswords.rateLimit,
          cacheMs: resolved.appPasswords.cacheMs,
        },
        // wakeup is an instance; publicOrigin, allowedOrigins (null: loopback only) and sender have no default: none is in DEFAULTS.
        push: (({ wakeup: _wakeup, publicOrigin: _origin, allowedOrigins: _origins, sender: _sender, ...rest }) => rest)(resolved.push),
      },
      DEFAULTS,
    );
    // The values the README and docs/options.md promise, so DEFAULTS cannot drift silently.
    assert.deepEqual(DEFAULTS.lockout, { threshold: 5, durationMs: 15 * 60_000, hardLimit: 100 });
    assert.equal(DEFAULTS.pendingTtlMs, 10 * 60_000);
    assert.equal(DEFAULTS.allowRemovingLastMethod, false);
    assert.equal(DEFAULTS.sessionCheckCacheMs, 1000);
    assert.deepEqual(DEFAULTS.totp, { algorithm: 'sha1', digits: 6, period: 30, window: 1, secretBytes: 20 });
    assert.equal(resolved.push.sender, null, 'no Web Push unless configured');
    assert.ok(resolved.wakeup instanceof InProcessWakeup, 'one instance needs no shared wake-up');
    assert.equal(resolved.push.wakeup, resolved.wakeup, 'push waits on the one wake-up transport');
    assert.equal(resolved.push.publicOrigin, undefined);
    assert.equal(resolved.push.allowedOrigins, null, 'no origin list: loopback origins only');
    assert.equal(resolved.passport, passport);
    assert.equal(resolved.clock, Date.now);
    assert.deepEqual(resolved.keys, [{ id: 'k1', key: valid.secretKey }]);
    assert.equal(resolved.getUserId({ id: 7 } as Express.User), '7');
    assert.equal(resolved.getAccountName({ id: 7, username: 'alice' } as Express.User), 'alice');
    assert.equal(resolved.getAccountName({ id: 7, email: 'a@example.com' } as Express.User), 'a@example.com');
    assert.equal(resolved.getAccountName({ id: 7 } as Express.User), '7');
  });

  it('keeps the defaults of the fields a partial lockout or totp object leaves out', () => {
    const resolved = resolveOptions({ ...valid, lockout: { threshold: 3 }, totp: { digits: 8 } });
    assert.deepEqual(resolved.lockout, { ...DEFAULTS.lockout, threshold: 3 });
    assert.deepEqual(resolved.totp, { ...DEFAULTS.totp, digits: 8 });
  });

  it('accepts logoutPath false (no "Sign out") and a sign-out route beside basePath', () => {
    assert.equal(resolveOptions({ ...valid, logoutPath: false }).logoutPath, false);
    assert.equal(resolveOptions({ ...valid, logoutPath: '/mfa-logout' }).logoutPath, '/mfa-logout');
  });

  it('accepts the boundary values (hard limit exactly 100, window 0)', () => {
    assert.doesNotThrow(() => createMfa({ ...valid, lockout: { hardLimit: 100, threshold: 100 }, totp: { window: 0 } }));
  });
});

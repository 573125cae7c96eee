import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextSetupStep } from '../support/setup-wizard.js';

describe('setup wizard order', () => {
  it('goes from any first method to the recovery codes, the backup phone, then app passwords, then Done', () => {
    assert.equal(nextSetupStep('/setup/totp'), '/setup/recovery-codes');
    assert.equal(nextSetupStep('/setup/push'), '/setup/recovery-codes');
    assert.equal(nextSetupStep('/setup/security-key'), '/setup/recovery-codes');
    assert.equal(nextSetupStep('/setup/recovery-codes'), '/setup/phone');
    assert.equal(nextSetupStep('/setup/phone'), '/setup/app-passwords');
    assert.equal(nextSetupStep('/setup/app-passwords'), '/setup/done');
  });

  it('skips the steps this instance does not offer', () => {
    assert.equal(nextSetupStep('/setup/totp', new Set(['/setup/app-passwords'])), '/setup/app-passwords');
    assert.equal(nextSetupStep('/setup/push', new Set()), '/setup/done');
    assert.equal(nextSetupStep('/setup/phone', new Set(['/setup/phone'])), '/setup/done');
  });

  it('ends the wizard for a step it does not know', () => {
    assert.equal(nextSetupStep('/setup/elsewhere'), '/setup/done');
  });
});

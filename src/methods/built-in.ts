// The methods passport-mfa ships, one line each; a new method adds its line here (docs/writing-a-method.md).
export { appPasswordMethod } from './app-passwords/index.js';
export { phoneMethod } from './phone/index.js';
export { pushMethod } from './push/index.js';
export { recoveryCodeMethod } from './recovery/index.js';
export { securityKeyMethod } from './webauthn/index.js';
export { totpMethod } from './totp/index.js';

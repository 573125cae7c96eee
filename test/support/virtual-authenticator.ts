import type { CDPSession, Page } from 'playwright-core';

export interface VirtualAuthenticatorOptions {
  /** Whether the key can check a PIN or biometric. @default true */
  hasUserVerification?: boolean;
  /** Whether that check passes (the user is "verified"). @default true */
  isUserVerified?: boolean;
}

/** A credential as Chromium's virtual authenticator holds it (ids and keys base64, not base64url). */
export interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

/**
 * A USB security key simulated by Chromium (DevTools WebAuthn domain) in one tab: ceremonies in
 * that tab talk to it as to real hardware, touched automatically. Tests read and rewrite its
 * credentials, e.g. to turn the signature counter back as a cloned key would.
 */
export class VirtualAuthenticator {
  private constructor(
    private readonly cdp: CDPSession,
    readonly id: string,
  ) {}

  static async attach(page: Page, options: VirtualAuthenticatorOptions = {}): Promise<VirtualAuthenticator> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'usb',
        hasResidentKey: true,
        hasUserVerification: options.hasUserVerification ?? true,
        isUserVerified: options.isUserVerified ?? true,
        automaticPresenceSimulation: true,
      },
    });
    return new VirtualAuthenticator(cdp, authenticatorId);
  }

  async credentials(): Promise<VirtualCredential[]> {
    const { credentials } = await this.cdp.send('WebAuthn.getCredentials', { authenticatorId: this.id });
    return credentials as VirtualCredential[];
  }

  /** Whether the next user-verification check passes. */
  async setUserVerified(isUserVerified: boolean): Promise<void> {
    await this.cdp.send('WebAuthn.setUserVerified', { authenticatorId: this.id, isUserVerified });
  }

  /** Puts `credential` back with another signature counter (what a cloned or reset key reports). */
  async setSignCount(credential: VirtualCredential, signCount: number): Promise<void> {
    await this.cdp.send('WebAuthn.removeCredential', { authenticatorId: this.id, credentialId: credential.credentialId });
    await this.cdp.send('WebAuthn.addCredential', { authenticatorId: this.id, credential: { ...credential, signCount } });
  }

  async detach(): Promise<void> {
    await this.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: this.id });
    await this.cdp.detach();
  }
}

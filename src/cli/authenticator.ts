#!/usr/bin/env node
// The companion authenticator as a command line tool, for scripts and tests ("the phone").
// State (keys and accounts) lives in $AUTHENTICATOR_STATE (default ./authenticator-state.json).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AuthenticatorClient, AuthenticatorError } from '../authenticator/client.js';
import type { AuthenticatorAccount } from '../authenticator/account-store.js';
import { linePrompter } from './conformance/line-prompter.js';
import { runConformance } from './conformance/run-conformance.js';
import { JsonFileAccountStore } from './json-file-account-store.js';

const USAGE = `Usage: npm run authenticator -- <command> [options]
  activate "<QR text>"             add an account from the setup page's QR code text
  activate --code C --url U        ... or from the Code and URL shown under "Can't scan the image?"
  approve --number NN [--pin PIN]  approve the waiting sign-in, typing the number the browser shows
  deny                             deny the waiting sign-in
  report                           answer the waiting sign-in with "This wasn't me"
  codes                            print the current one-time codes
  conformance <base URL> [--code C --url U | --qr "<QR text>"] [--pin PIN] [--timeout S]
                                   check a server against the push protocol as a new device of a
                                   test account (base URL e.g. https://app.example/mfa); asks for
                                   what it needs, prints each check, exits 1 if any failed
Options: --wait S (seconds to wait for a request, default 25), --account <deviceId>, --name <device name>
State file: $AUTHENTICATOR_STATE (default ./authenticator-state.json, mode 0600)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      code: { type: 'string' }, url: { type: 'string' }, name: { type: 'string' }, number: { type: 'string' },
      pin: { type: 'string' }, wait: { type: 'string' }, account: { type: 'string' }, help: { type: 'boolean' },
      qr: { type: 'string' }, timeout: { type: 'string' },
    },
  });
  const [command, text] = positionals;
  if (values.help || !command) return print(USAGE, 0);
  if (command === 'conformance') return conformance(text, values);
  const statePath = resolve(process.env.AUTHENTICATOR_STATE || 'authenticator-state.json');
  const client = new AuthenticatorClient({ store: new JsonFileAccountStore(statePath) });

  switch (command) {
    case 'activate': {
      const input = text ?? (values.code && values.url ? { code: values.code, url: values.url } : null);
      if (!input) return print('activate needs the QR text, or --code and --url.', 2);
      const account = await client.activate(input, values.name ?? 'CLI authenticator');
      return print(`Activated ${account.issuer} (${account.accountName}). Device id ${account.deviceId}. State: ${statePath}`, 0);
    }
    case 'approve':
    case 'deny':
    case 'report': {
      if (command === 'approve' && !values.number) return print('approve needs --number NN (the number the browser shows).', 2);
      const account = await pickAccount(client, values.account);
      const [challenge] = await client.waitForChallenges(account, Number(values.wait ?? 25));
      if (!challenge) return print('No sign-in request is waiting.', 1);
      const { ip, userAgent } = challenge.context;
      console.log(`Request from ${ip ?? 'unknown IP'} (${userAgent ?? 'unknown browser'}) to sign in to ${challenge.issuer} as ${challenge.accountName}`);
      const decision = command === 'approve' ? 'approve' : command === 'deny' ? 'deny' : 'fraud';
      const status = await client.answer(account, challenge.id, decision, { number: values.number, pin: values.pin });
      return print(status === 'approved' ? 'Approved.' : status === 'denied' ? 'Denied.' : 'Reported as "This wasn\'t me".', 0);
    }
    case 'codes': {
      const codes = await client.codes();
      if (codes.length === 0) return print('No accounts yet: activate one first.', 1);
      for (const c of codes) console.log(`${c.issuer} (${c.accountName}): ${c.code}  (${c.secondsLeft}s left)`);
      return 0;
    }
    default:
      return print(`Unknown command "${command}".\n${USAGE}`, 2);
  }
}

/** The conformance check (src/cli/conformance): needs no state file; keys live in memory for the run. */
async function conformance(baseUrl: string | undefined, values: { code?: string; url?: string; qr?: string; pin?: string; timeout?: string }): Promise<number> {
  if (!baseUrl || !URL.canParse(baseUrl)) return print('conformance needs the base URL of the MFA pages, e.g. https://app.example/mfa', 2);
  const timeout = values.timeout === undefined ? 180 : Number(values.timeout);
  if (!Number.isInteger(timeout) || timeout < 1) return print('--timeout is a whole number of seconds.', 2);
  const prompter = linePrompter(process.stdin, process.stdout);
  try {
    const report = await runConformance({
      baseUrl,
      enrollment: values.qr ?? (values.code !== undefined && values.url !== undefined ? { code: values.code, url: values.url } : undefined),
      pin: values.pin,
      challengeTimeoutMs: timeout * 1000,
      prompter,
      out: (line) => console.log(line),
    });
    console.log(report.summary());
    return report.failed > 0 ? 1 : 0;
  } finally {
    prompter.close();
  }
}

async function pickAccount(client: AuthenticatorClient, deviceId: string | undefined): Promise<AuthenticatorAccount> {
  const accounts = await client.accounts();
  const account = deviceId ? accounts.find((a) => a.deviceId === deviceId) : accounts.at(-1);
  if (!account) throw new Error(deviceId ? `No account with device id ${deviceId}.` : 'No accounts yet: activate one first.');
  return account;
}

function print(message: string, code: number): number {
  (code === 0 ? console.log : console.error)(message);
  return code;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const detail = error instanceof AuthenticatorError ? `${error.message} (${error.code}, HTTP ${error.status})` : error instanceof Error ? error.message : String(error);
    console.error(`authenticator: ${detail}`);
    process.exitCode = 1;
  },
);

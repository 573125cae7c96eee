import type { ZodType } from 'zod';
import type { SecretBox } from '../crypto/secret-box.js';
import type { MfaError } from '../errors.js';
import type { Emit } from '../events.js';
import type { AmrValue, Assurance } from '../policy/assurance.js';
import type { CoreResolvedOptions, ResolvedOptions } from '../options.js';
import type { FactorRecord } from '../stores/facets/core.js';
import type { CompleteStore } from '../stores/guarded-store.js';
import type { MfaStore } from '../stores/mfa-store.js';
import type { FacetNeed } from '../stores/require-facets.js';
import type { AttemptRunner } from './attempt.js';
import type { MethodPage, MethodRoute } from './page.js';

/**
 * A second-factor method (or a companion credential such as app passwords): everything the
 * wizard, the verify page, the attempt runner, the 'mfa' strategy and Security info need to know
 * about it, so that none of them names a method. A method lives in its own folder
 * (src/methods/<id>/) and is registered with one line in src/methods/built-in.ts; see
 * docs/writing-a-method.md.
 *
 * The definition itself is static (it is read before any instance exists: the wizard's order,
 * which methods an options object enables); `create()` builds what one createMfa() instance runs.
 */
export interface SecondFactorMethod {
  /**
   * Stable id: the `type` of the method's factor records, the `method` of its events and of the
   * session's completed factor, the `method` field a form may send to the 'mfa' strategy.
   * Lowercase letters, digits and `_`. Never change it: stored factors carry it.
   */
  readonly id: string;
  /** The method's name on Security info, e.g. 'Mobile app: one-time password'. */
  readonly name: string;
  /** Whether an instance with these options offers the method at all. */
  enabled(options: ResolvedOptions): boolean;
  /**
   * The store facets the method needs with these options (when enabled), each with what needs it
   * and how the host turns that off: createMfa() refuses a store that lacks one at startup.
   */
  storeNeeds(options: ResolvedOptions): readonly FacetNeed[];
  /** Where the setup wizard offers it; absent: the wizard never does (it is set up elsewhere). */
  readonly setup?: SetupPlacement;
  /** Place on the verify page: lower first. The strongest method comes first. Absent: never offered there. */
  readonly signInRank?: number;
  /**
   * What a sign-in completed with it proves (mfa.status(req), step-up): RFC 8176 `amr` values and
   * whether it resists phishing. Required with `signInRank`; checked at startup. A check may
   * report more precise values for one attempt (CheckResult `amr`).
   */
  readonly assurance?: Assurance;
  /**
   * Ids of other methods whose check also accepts this method's factors (a push factor carries a
   * TOTP seed, so TOTP codes from the companion app are accepted too).
   */
  readonly alsoVerifiedBy?: readonly string[];
  /** The method the 'mfa' strategy checks when a form names none (exactly one enabled method sets it). */
  readonly strategyDefault?: boolean;
  /** The method's own createMfa() options, under one key (`options.webauthn`); absent: it has none. */
  readonly options?: MethodOptions;
  /** Builds the method's parts for one createMfa() instance (called once, at startup). */
  create(services: MethodServices): MethodParts;
}

/**
 * A method's own options. Their TypeScript types are added to MfaOptions (what the host passes)
 * and ResolvedOptions (what `enabled()` and `create()` see) by declaration merging in the
 * method's folder; see docs/writing-a-method.md.
 */
export interface MethodOptions {
  /** The option's name in createMfa()'s options, e.g. 'webauthn'. */
  key: string;
  /**
   * Validates the host's value (never called when it is absent): wrong values are reported with
   * the other options' problems, in one ConfigurationError at startup, path included.
   */
  schema: ZodType;
  /** The resolved value, defaults filled (`value` is undefined when the host set none); `options` are the core options, resolved. */
  resolve(value: unknown, options: CoreResolvedOptions): unknown;
}

/**
 * Where the wizard offers a method:
 * - `choice`: one answer to "How should we contact you?" on its first page. Choices with the same
 *   `contact` share one entry of that list; their `mode`s are the radio buttons below it.
 * - `follow-up`: a page of its own after the first method is verified (recovery codes, backup
 *   phone, app passwords), with Skip; `position` orders the follow-ups.
 */
export type SetupPlacement =
  | {
      kind: 'choice';
      /** The `contact` value and its label, e.g. `{ value: 'mobile_app', label: 'Mobile app' }`. */
      contact: { value: string; label: string };
      /** The `mode` radio within the contact entry; absent when the entry has one way only. */
      mode?: { value: string; label: string; hint: string };
      /** What the method is, under its name on Add method (Security info), when it has no `mode` (whose hint says it). */
      hint?: string;
      /** Order of the choices (and of the modes within one contact entry): lower first. */
      position: number;
      /** The page the wizard moves on from after this method's setup, e.g. '/setup/totp'. */
      page: string;
      /** What the wizard says once it is verified, after "<contact label> verified." */
      done: string;
    }
  | {
      kind: 'follow-up';
      page: string;
      /** The step's name in the wizard's step indicator and closing summary, e.g. 'Backup phone'. */
      label: string;
      position: number;
      /**
       * Offered on Add method (Security info) too, as a choice named `label`: what it is, and the
       * page that sets it up from there (under basePath; its Cancel leads back to Security info).
       * `offered` says whether it can be added now (e.g. no backup phone yet). @default not offered there
       */
      add?: { hint: string; page: string; offered(factors: readonly FactorRecord[]): boolean };
      /** Whether these options offer the step (e.g. app passwords only with `appPasswords.findUser`). @default always */
      offered?(options: ResolvedOptions): boolean;
    };

/** What `create()` receives: the instance's shared services, already narrowed to the domain. */
export interface MethodServices {
  options: ResolvedOptions;
  /**
   * The host's store, wrapped so backend failures throw StoreUnavailableError (503). Every facet
   * is there: one the store lacks fails closed with a ConfigurationError (createMfa() refused the
   * store at startup if an enabled method needs it).
   */
  store: CompleteStore;
  /** The same store with only the facets it has, for a method whose facets are optional and that looks for them itself. */
  storeAsGiven: MfaStore;
  /** Seals secrets at rest under the host's key(s). */
  box: SecretBox;
  /** The one attempt runner (lockout → check → confirm → reset → events), for checks outside a sign-in. */
  attempts: AttemptRunner;
  emit: Emit;
  /** Revokes all app passwords of a user (a fraud report does); 0 when the instance has none. */
  revokeAppPasswords(userId: string, reason: string): Promise<number>;
  /** Ends every signed-in session of a user (a fraud report does); `reason` goes into the event. */
  revokeSessions(userId: string, reason: string): Promise<void>;
}

/** A template of views/ (without the layout) and what it is rendered with. */
export interface ViewPart {
  view: string;
  locals: Record<string, unknown>;
}

/** What one createMfa() instance runs of a method. Every part is optional. */
export interface MethodParts {
  /**
   * Starts a setup chosen on the wizard's first page: creates the unconfirmed factor (confirmed
   * later by the attempt runner) and returns its id. Needed with a `choice` placement.
   */
  beginSetup?(user: { userId: string; accountName: string }): Promise<{ factorId: string }>;
  /**
   * The method's check, called by the attempt runner after the lockout check. It must consume
   * whatever makes a success single-use (time step, challenge, code) atomically in the store.
   */
  verify?(input: VerifyInput): Promise<CheckResult>;
  /** Its part of the verify page. */
  signIn?: SignInParts;
  /** Its part of Security info. */
  securityInfo?: SecurityInfoParts;
  /** Its pages (setup and sign-in), under basePath; see page.ts. */
  routes?: readonly MethodRoute[];
  /**
   * Browser files it serves, by file name, at `<basePath>/assets/<id>/<name>` (e.g. a script of an
   * installed package): absolute paths, resolved at startup.
   */
  assets?: Readonly<Record<string, string>>;
  /**
   * What its follow-up step of the wizard has set up for the user, for the step indicator and the
   * closing summary (e.g. '10 recovery codes'); null when nothing (the step was skipped).
   */
  setupSummary?(userId: string): Promise<string | null>;
  /** Called after one of its factors was removed: by the user on Security info, or by mfa.admin.resetFactors(). */
  factorRemoved?(factor: FactorRecord, ip: string | undefined): Promise<void>;
  /** The method's domain object, for the parts of the package outside its folder that need it (see the folder's index.ts). */
  api?: unknown;
}

/** What the attempt runner hands a method's check. */
export interface VerifyInput {
  userId: string;
  /**
   * The factors the check may accept: while enrolling, the one factor being set up; otherwise the
   * user's confirmed factors of this method (and of those it `alsoVerifiedBy`), possibly none.
   */
  factors: readonly FactorRecord[];
  enrolling: boolean;
  /** The submitted form fields, still to validate. */
  body: Readonly<Record<string, unknown>>;
  /** This method's state in the pending sign-in (set by its own pages), e.g. a challenge id. */
  state: unknown;
}

/**
 * A tagged check result. A failure that `counts` is a guess and counts toward the shared
 * lockout; one that does not (nothing was guessed: "not approved yet") is only reported.
 */
export type CheckResult =
  | { ok: true; factorId: string; /** This attempt's own amr values, instead of the method's `assurance.amr`. */ amr?: AmrValue[] }
  | { ok: false; reason: string; error: MfaError; counts: boolean };

/** The user the verify page is built for: one read of their confirmed factors serves every method. */
export interface SignInUser {
  userId: string;
  /** All of the user's confirmed factors. */
  factors: readonly FactorRecord[];
  /** Those this method accepts (its own, and those of methods it `alsoVerifiedBy`). */
  own: readonly FactorRecord[];
}

export interface SignInParts {
  /** How another method's page names this one, e.g. 'your mobile app' ("Use your mobile app instead"). */
  noun: string;
  /** Its block on the verify page for this user, or null when it cannot be offered to them. */
  offer(user: SignInUser): Promise<ViewPart | null>;
  /** Notices shown at the top of the verify page, offered or not (e.g. "This wasn't me" reports). */
  notices?(userId: string): Promise<ViewPart[]>;
  /**
   * Called when the verify page is opened, before it is shown: may answer instead (e.g. send a
   * notification at once and show the waiting page). Returns whether it answered.
   */
  start?(page: MethodPage, user: SignInUser): Promise<boolean>;
}

/** A link, or a one-button form (POST, CSRF token included, with `fields` as hidden inputs), on Security info; paths under basePath. */
export type InfoAction = { label: string; href: string } | { label: string; action: string; fields?: Readonly<Record<string, string>> };

export interface SecurityInfoParts {
  /** Offer "Rename" for its factors (apps and keys the user tells apart by name; not a phone, named by its number). */
  renamable?: boolean;
  /** The detail shown beside the method name on a factor's row (e.g. the masked number, a key's name), and its extra actions. */
  row?(factor: FactorRecord): Promise<{ detail: string | null; actions: readonly InfoAction[] }>;
  /** A link beside "Add method", when the user can add one of these here (null: not now). */
  addAction?(factors: readonly FactorRecord[]): InfoAction | null;
  /** A section of its own below the methods (a template of views/ with its own forms), or null. */
  section?(userId: string): Promise<ViewPart | null>;
}

import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode, NumberType } from 'libphonenumber-js/max';

/** One entry of the "Country" select. */
export interface CountryOption {
  code: CountryCode;
  /** 'United States (+1)' */
  label: string;
}

export type ParsedPhone = { ok: true; e164: string } | { ok: false; message: string };

/**
 * Number types that must never receive codes. Premium-rate, shared-cost and similar numbers are
 * how SMS toll fraud ("SMS pumping") is paid; pagers, voicemail and personal/UAN numbers are not
 * a phone in the user's hand; VoIP numbers can be obtained by anyone, for free.
 */
const REFUSED_TYPES = new Set<NumberType>(['PREMIUM_RATE', 'SHARED_COST', 'TOLL_FREE', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL', 'VOIP']);
const ALLOWED_CHARACTERS = /^[0-9+()./\s-]{1,40}$/;

let countries: readonly CountryOption[] | null = null;

/** Every country libphonenumber-js knows, with its calling code, sorted by English name. */
export function countryOptions(): readonly CountryOption[] {
  if (countries) return countries;
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  countries = getCountries()
    .map((code) => ({ code, name: names.of(code) ?? code, callingCode: getCountryCallingCode(code) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'))
    .map(({ code, name, callingCode }) => ({ code, label: `${name} (+${callingCode})` }));
  return countries;
}

export function isCountryCode(value: unknown): value is CountryCode {
  return typeof value === 'string' && countryOptions().some((c) => c.code === value);
}

/** The configured country, else the region of the first Accept-Language tag that has one, else 'US'. */
export function defaultCountry(configured: string | undefined, acceptLanguages: readonly string[]): CountryCode {
  if (isCountryCode(configured)) return configured;
  for (const tag of acceptLanguages) {
    const region = /^[a-z]{2,3}(?:-[a-z]{4})?-([a-z]{2})(?:-|$)/i.exec(tag)?.[1]?.toUpperCase();
    if (isCountryCode(region)) return region;
  }
  return 'US';
}

/** Validates a number typed for `country` (or in international +… form) and returns it in E.164. */
export function parseMobileNumber(input: unknown, country: unknown): ParsedPhone {
  if (typeof input !== 'string' || input.trim() === '') return { ok: false, message: 'Enter your mobile phone number.' };
  if (!isCountryCode(country)) return { ok: false, message: 'Choose your country.' };
  const countryName = countryOptions().find((c) => c.code === country)!.label;
  const invalid = { ok: false as const, message: `That is not a valid mobile phone number for ${countryName}. Check the number and the country.` };
  if (!ALLOWED_CHARACTERS.test(input.trim())) return invalid;
  const parsed = parsePhoneNumberFromString(input.trim(), country);
  if (!parsed || !parsed.isValid() || parsed.ext) return invalid;
  const type = parsed.getType();
  if (type !== undefined && REFUSED_TYPES.has(type)) {
    return { ok: false, message: 'That number cannot receive sign-in codes (premium-rate, toll-free, shared-cost, pager and internet numbers are not accepted). Enter a mobile phone number.' };
  }
  if (type === 'FIXED_LINE') return { ok: false, message: 'That looks like a landline. Enter a mobile phone number.' };
  return { ok: true, e164: parsed.number };
}

/** '+14155554567' → '+1 ••• ••• 4567': enough to recognise, not enough to harvest. */
export function maskPhone(e164: string): string {
  const callingCode = parsePhoneNumberFromString(e164)?.countryCallingCode ?? '';
  return `+${callingCode} ••• ••• ${e164.slice(-4)}`;
}

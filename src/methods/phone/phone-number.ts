import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode, NumberType } from 'libphonenumber-js/max';

/** One entry of the "Country" select. */
export interface CountryOption {
  code: CountryCode;
  /** 'United States (+1)' */
  label: string;
}

/** A refused number may name the country it is in, for the form to select instead. */
export type ParsedPhone = { ok: true; e164: string } | { ok: false; message: string; country?: CountryCode };

/**
 * Every country and territory libphonenumber-js knows (about 245): the default of
 * `phone.allowedCountries`. The non-geographic calling codes belong to no country, so they are
 * never in it: +800 and +808 (international freephone and shared cost), +870 (Inmarsat), +878,
 * +881 (satellite phones), +882 and +883 (international networks), +888 and +979 (international
 * premium rate), which are what satellite and international-network toll fraud dials.
 */
export const GEOGRAPHIC_COUNTRIES: readonly CountryCode[] = Object.freeze([...getCountries()]);

/**
 * Number types that must never receive codes. Premium-rate, shared-cost and similar numbers are
 * how SMS toll fraud ("SMS pumping") is paid; pagers, voicemail and personal/UAN numbers are not
 * a phone in the user's hand; VoIP numbers can be obtained by anyone, for free.
 */
const REFUSED_TYPES = new Set<NumberType>(['PREMIUM_RATE', 'SHARED_COST', 'TOLL_FREE', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL', 'VOIP']);
const ALLOWED_CHARACTERS = /^[0-9+()./\s-]{1,40}$/;

let countries: readonly CountryOption[] | null = null;

/** The countries in `allowed` (every one libphonenumber-js knows by default) with their calling codes, sorted by English name. */
export function countryOptions(allowed: readonly string[] = GEOGRAPHIC_COUNTRIES): readonly CountryOption[] {
  if (!countries) {
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    countries = GEOGRAPHIC_COUNTRIES
      .map((code) => ({ code, name: names.of(code) ?? code, callingCode: getCountryCallingCode(code) }))
      .sort((a, b) => a.name.localeCompare(b.name, 'en'))
      .map(({ code, name, callingCode }) => ({ code, label: `${name} (+${callingCode})` }));
  }
  return allowed === GEOGRAPHIC_COUNTRIES ? countries : countries.filter((c) => allowed.includes(c.code));
}

export function isCountryCode(value: unknown): value is CountryCode {
  return typeof value === 'string' && (GEOGRAPHIC_COUNTRIES as readonly string[]).includes(value);
}

/**
 * The first of these in `allowed`: the configured country, the region of the first
 * Accept-Language tag that has one, 'US', else the first allowed country by name.
 */
export function defaultCountry(configured: string | undefined, acceptLanguages: readonly string[], allowed: readonly string[] = GEOGRAPHIC_COUNTRIES): CountryCode {
  const usable = (code: unknown): code is CountryCode => isCountryCode(code) && allowed.includes(code);
  if (usable(configured)) return configured;
  for (const tag of acceptLanguages) {
    const region = /^[a-z]{2,3}(?:-[a-z]{4})?-([a-z]{2})(?:-|$)/i.exec(tag)?.[1]?.toUpperCase();
    if (usable(region)) return region;
  }
  return usable('US') ? 'US' : countryOptions(allowed)[0]!.code;
}

/**
 * Validates a number typed for `country` (nationally, or in international +… form) and returns
 * it in E.164. The number must be in that very country (a `+` does not override the choice: a
 * number of another country is refused, naming that country for the form to select), and in
 * `allowed`, which never holds the non-geographic (satellite, international network) ranges.
 */
export function parseMobileNumber(input: unknown, country: unknown, allowed: readonly string[] = GEOGRAPHIC_COUNTRIES): ParsedPhone {
  if (typeof input !== 'string' || input.trim() === '') return { ok: false, message: 'Enter your mobile phone number.' };
  if (!isCountryCode(country) || !allowed.includes(country)) return { ok: false, message: 'Choose your country.' };
  const countryName = labelOf(country);
  const invalid = { ok: false as const, message: `That is not a valid mobile phone number for ${countryName}. Check the number and the country.` };
  if (!ALLOWED_CHARACTERS.test(input.trim())) return invalid;
  const parsed = parsePhoneNumberFromString(input.trim(), country);
  if (!parsed || !parsed.isValid() || parsed.ext) return invalid;
  const region = parsed.country;
  if (region === undefined) {
    return { ok: false, message: 'That number is not in any country (satellite phones and international networks cannot receive sign-in codes). Enter a mobile phone number.' };
  }
  if (!allowed.includes(region)) {
    return { ok: false, message: `Sign-in codes cannot be sent to numbers in ${labelOf(region)}. Enter a mobile phone number in one of the listed countries.` };
  }
  if (region !== country) {
    return { ok: false, country: region, message: `That number is in ${labelOf(region)}, not ${countryName}. We selected ${labelOf(region)} as the country: check it and the number, then continue.` };
  }
  const type = parsed.getType();
  if (type !== undefined && REFUSED_TYPES.has(type)) {
    return { ok: false, message: 'That number cannot receive sign-in codes (premium-rate, toll-free, shared-cost, pager and internet numbers are not accepted). Enter a mobile phone number.' };
  }
  if (type === 'FIXED_LINE') return { ok: false, message: 'That looks like a landline. Enter a mobile phone number.' };
  return { ok: true, e164: parsed.number };
}

/** Whether a stored E.164 number is in one of the `allowed` countries (checked again before every send). */
export function inAllowedCountry(e164: string, allowed: readonly string[]): boolean {
  const region = parsePhoneNumberFromString(e164)?.country;
  return region !== undefined && allowed.includes(region);
}

function labelOf(code: CountryCode): string {
  return countryOptions().find((c) => c.code === code)!.label;
}

/** '+14155554567' → '+1 ••• ••• 4567': enough to recognise, not enough to harvest. */
export function maskPhone(e164: string): string {
  const callingCode = parsePhoneNumberFromString(e164)?.countryCallingCode ?? '';
  return `+${callingCode} ••• ••• ${e164.slice(-4)}`;
}

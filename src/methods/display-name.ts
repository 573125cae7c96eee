import { InvalidInputError } from '../errors.js';

/** The longest name a user may give a factor or an app password, in characters. */
export const DISPLAY_NAME_MAX = 64;

/**
 * A name a user gives to something of theirs (an app password, a mobile app, a security key):
 * NFC, trimmed, 1 to 64 characters, all printable. Throws InvalidInputError with a message for
 * the form, naming `thing` and an `example`.
 */
export function validateDisplayName(input: unknown, thing: string, example: string): string {
  const name = typeof input === 'string' ? input.normalize('NFC').trim() : '';
  const length = [...name].length;
  if (length < 1 || length > DISPLAY_NAME_MAX) {
    throw new InvalidInputError(`Give the ${thing} a name of 1 to ${DISPLAY_NAME_MAX} characters, e.g. "${example}".`, 'invalid_name');
  }
  // \p{C}: control, format (e.g. bidi overrides), surrogate, private-use and unassigned code points.
  if (/\p{C}/u.test(name)) throw new InvalidInputError('The name can contain only printable characters.', 'invalid_name');
  return name;
}

import { InvalidInputError } from '../../errors.js';

const NAME_MAX = 64;

/** What the user calls a key: trimmed, 1 to 64 printable characters; InvalidInputError with a message for the form otherwise. */
export function validateKeyName(input: unknown): string {
  const name = typeof input === 'string' ? input.normalize('NFC').trim() : '';
  const length = [...name].length;
  if (length < 1 || length > NAME_MAX || /\p{C}/u.test(name)) {
    throw new InvalidInputError(`Give the security key a name of 1 to ${NAME_MAX} printable characters, e.g. "YubiKey on my keyring".`, 'invalid_name');
  }
  return name;
}

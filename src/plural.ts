const rules = new Intl.PluralRules('en');

/** "1 minute", "3 minutes": counts in messages read as words, never as "minute(s)". */
export function plural(count: number, one: string, other = `${one}s`): string {
  return `${count} ${rules.select(count) === 'one' ? one : other}`;
}

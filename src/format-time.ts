const DAY_MS = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 2024-05-01 */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** 2024-05-01 13:45 UTC, or 'never' */
export function formatMinute(ms: number | null): string {
  return ms === null ? 'never' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * A moment as a page shows it in `<time data-local-time="…">` (views/local-time.ejs): the server's
 * text, in UTC since the server knows no better, which views/assets/local-time.js replaces with
 * the reader's local form. `now` lets the script say "Today" by the server's clock.
 */
export interface ShownTime {
  iso: string;
  /** What the page says without JavaScript. */
  text: string;
  /** 'day': "1 May 2024"; 'minute': "Today, 13:45", "Yesterday, 18:02" or "1 May 2024, 13:45". */
  mode: 'day' | 'minute';
  nowIso: string;
}

/** "1 May 2024" (UTC). */
export function shownDay(ms: number, now: number): ShownTime {
  return { iso: new Date(ms).toISOString(), text: dayText(ms), mode: 'day', nowIso: new Date(now).toISOString() };
}

/** "Today, 13:45 UTC", "Yesterday, 18:02 UTC" or "1 May 2024, 13:45 UTC"; null stays null (never). */
export function shownMinute(ms: number | null, now: number): ShownTime | null {
  if (ms === null) return null;
  const days = Math.floor(now / DAY_MS) - Math.floor(ms / DAY_MS);
  const day = days === 0 ? 'Today' : days === 1 ? 'Yesterday' : dayText(ms);
  const iso = new Date(ms).toISOString();
  return { iso, text: `${day}, ${iso.slice(11, 16)} UTC`, mode: 'minute', nowIso: new Date(now).toISOString() };
}

function dayText(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

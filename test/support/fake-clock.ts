/** A clock that only moves when told to: every test controls time explicitly, no sleeps. */
export class FakeClock {
  constructor(public nowMs = Date.UTC(2026, 0, 1, 12, 0, 0)) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

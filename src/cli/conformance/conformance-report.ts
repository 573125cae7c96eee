/**
 * The results of a conformance run, printed as they come: one `PASS` or `FAIL` line per check
 * (a failure says what was expected and what came), and a closing `N passed, M failed` line.
 */
export class ConformanceReport {
  passed = 0;
  failed = 0;

  constructor(private readonly out: (line: string) => void) {}

  /** Records one check; `problem` is null when it passed, else what went wrong. */
  check(name: string, problem: string | null): boolean {
    if (problem === null) {
      this.passed++;
      this.out(`PASS  ${name}`);
      return true;
    }
    this.failed++;
    this.out(`FAIL  ${name}: ${problem}`);
    return false;
  }

  /** Checks that could not run because an earlier step failed: they count as failures. */
  notRun(names: readonly string[], because: string): void {
    for (const name of names) this.check(name, `not run (${because})`);
  }

  summary(): string {
    return `${this.passed} passed, ${this.failed} failed`;
  }
}

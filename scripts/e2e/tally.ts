/** Counts checks and prints each as it happens; the run ends with `N passed, N failed`. */
export class Tally {
  passed = 0;
  failed = 0;
  readonly failures: string[] = [];

  pass(what: string, detail = ''): void {
    this.passed++;
    console.log(`  ok    ${what}${detail ? `  (${detail})` : ''}`);
  }

  fail(what: string, why: string): void {
    this.failed++;
    this.failures.push(`${what}: ${why}`);
    console.log(`  FAIL  ${what}\n        ${why.split('\n').join('\n        ')}`);
  }

  check(what: string, ok: boolean, why: string, detail = ''): boolean {
    if (ok) this.pass(what, detail);
    else this.fail(what, why);
    return ok;
  }

  summaryLine(): string {
    return `${this.passed} passed, ${this.failed} failed`;
  }
}

// Counts by reason, with the first few examples (line and detail) kept for the report.

export interface Example {
  line: number;
  reason: string;
  detail: string;
}

export class Tally {
  readonly examples: Example[] = [];
  private readonly counts = new Map<string, number>();
  private count = 0;

  constructor(private readonly keep = 20) {}

  add(reason: string, line: number, detail: string): void {
    this.count += 1;
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    if (this.examples.length < this.keep) this.examples.push({ line, reason, detail });
  }

  get total(): number {
    return this.count;
  }

  /** Reasons with their counts, most frequent first. */
  byReason(): [string, number][] {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }
}

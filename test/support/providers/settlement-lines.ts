/*
 * What the payment fakes' settlement reports share: the lines a fake records from its own
 * work (each charge, refund, payout), and the discrepancies a test injects on top — a line
 * with another amount (`alter`), a line for something never charged (`inject`), a line that
 * never shows up (`omit`). The report a fake serves is `lines()`, rendered in its provider's
 * format; what the fake actually charged stays as it was.
 */
export class SettlementLines<Line> {
  private readonly recorded: Line[] = [];
  private readonly injected: Line[] = [];
  private readonly omitted = new Set<string>();
  private readonly patches = new Map<string, Partial<Line>>();

  constructor(private readonly idOf: (line: Line) => string) {}

  /** A line from the fake's own work. */
  record(line: Line): void {
    this.recorded.push(line);
  }

  /** The report also carries this line (a charge we never asked for, an adjustment). */
  inject(line: Line): void {
    this.injected.push(line);
  }

  /** The report leaves this line out. */
  omit(id: string): void {
    this.omitted.add(id);
  }

  /** The report states this line with these fields changed (another amount, currency). */
  alter(id: string, patch: Partial<Line>): void {
    this.patches.set(id, { ...this.patches.get(id), ...patch });
  }

  /** The recorded lines whose fields match `where` (to find the one to alter or omit). */
  find(where: (line: Line) => boolean): Line | undefined {
    return this.recorded.find(where);
  }

  /** Every line of the report as served: recorded (minus omitted, with patches), then injected. */
  lines(): Line[] {
    return [...this.recorded.filter((l) => !this.omitted.has(this.idOf(l))).map((l) => ({ ...l, ...this.patches.get(this.idOf(l)) })), ...this.injected];
  }

  /** Visits every line, recorded and injected (Adyen closes its open lines into a batch). */
  each(visit: (line: Line) => void): void {
    for (const line of [...this.recorded, ...this.injected]) visit(line);
  }
}

/**
 * A progress bar for long local commands (the campaign demo): redraws one line on a
 * terminal; elsewhere (CI logs, pipes) prints a line every 10% so logs stay short. Both show
 * the time remaining (from the rate so far) and end at 100%: `total` may be an estimate (an
 * upper bound), and `finish` closes the bar at what was done.
 */
export class ProgressBar {
  private done = 0;
  private lastPrintedDecile = -1;
  private readonly started: number;
  private readonly tty: boolean;
  private readonly write: (text: string) => void;
  private readonly clock: () => number;

  constructor(
    private readonly label: string,
    private total: number,
    private readonly unit = "",
    options: { tty?: boolean; write?: (text: string) => void; clock?: () => number } = {},
  ) {
    this.tty = options.tty ?? Boolean(process.stderr.isTTY);
    this.write = options.write ?? ((text) => process.stderr.write(text));
    this.clock = options.clock ?? Date.now;
    this.started = this.clock();
    this.draw();
  }

  advance(by: number): void {
    this.done = Math.min(this.total, this.done + by);
    this.draw();
  }

  /** Ends the bar at what was done (100%), then a summary line. */
  finish(note = ""): void {
    this.total = this.done;
    this.draw(true);
    const seconds = (this.clock() - this.started) / 1000;
    this.write(`${this.tty ? "\n" : ""}  ${this.label}: ${this.total.toLocaleString("en-GB")}${this.unit} in ${formatDuration(seconds)}${note ? ` (${note})` : ""}\n`);
  }

  /** Seconds left at the rate so far; undefined before anything is done. */
  remainingSeconds(): number | undefined {
    const seconds = (this.clock() - this.started) / 1000;
    if (this.done === 0 || seconds <= 0) return undefined;
    return ((this.total - this.done) * seconds) / this.done;
  }

  private draw(final = false): void {
    const share = this.total === 0 ? 1 : this.done / this.total;
    const seconds = Math.max(0.001, (this.clock() - this.started) / 1000);
    const rate = this.done / seconds;
    const remaining = this.remainingSeconds();
    const left = final ? "done" : remaining === undefined ? "time left: estimating" : `${formatDuration(remaining)} left`;
    const counts = `${this.done.toLocaleString("en-GB")}/${this.total.toLocaleString("en-GB")}${this.unit}`;
    if (this.tty) {
      const width = 30;
      const filled = Math.round(share * width);
      this.write(`\r${this.label.padEnd(28)} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${counts} ${Math.round(rate).toLocaleString("en-GB")}/s, ${left}   `);
      return;
    }
    const decile = Math.floor(share * 10);
    if (decile !== this.lastPrintedDecile) {
      this.lastPrintedDecile = decile;
      this.write(`${this.label}: ${(share * 100).toFixed(0)}% (${counts}, ${left})\n`);
    }
  }
}

/** "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

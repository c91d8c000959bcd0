/**
 * A progress bar for long local commands (the campaign demo): redraws one line on a
 * terminal; elsewhere (CI logs, pipes) prints a line every 10% so logs stay short.
 */
export class ProgressBar {
  private done = 0;
  private lastPrintedDecile = -1;
  private readonly started = Date.now();
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly label: string, private total: number, private readonly unit = "") {
    this.draw();
  }

  advance(by: number): void {
    this.done = Math.min(this.total, this.done + by);
    this.draw();
  }

  /** Ends the bar at what was done: `total` may have been an estimate (an upper bound). */
  finish(note = ""): void {
    this.total = this.done;
    this.draw(true);
    const seconds = (Date.now() - this.started) / 1000;
    process.stderr.write(`${this.tty ? "\n" : ""}  ${this.label}: ${this.total.toLocaleString("en-GB")}${this.unit} in ${seconds.toFixed(1)} s${note ? ` (${note})` : ""}\n`);
  }

  private draw(final = false): void {
    const share = this.total === 0 ? 1 : this.done / this.total;
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
    const rate = this.done / seconds;
    if (this.tty) {
      const width = 30;
      const filled = Math.round(share * width);
      process.stderr.write(`\r${this.label.padEnd(28)} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${this.done.toLocaleString("en-GB")}/${this.total.toLocaleString("en-GB")}${this.unit} ${Math.round(rate).toLocaleString("en-GB")}/s `);
      return;
    }
    const decile = Math.floor(share * 10);
    if (!final && decile !== this.lastPrintedDecile) {
      this.lastPrintedDecile = decile;
      process.stderr.write(`${this.label}: ${(share * 100).toFixed(0)}% (${this.done.toLocaleString("en-GB")}/${this.total.toLocaleString("en-GB")}${this.unit})\n`);
    }
  }
}

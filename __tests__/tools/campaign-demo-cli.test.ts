/**
 * Issue 17, item 14: the demo's command line (--help, --patients=N and --patients N, clear
 * errors) and the progress bar (time remaining; ends at 100% also when the total was an
 * upper bound and output is not a terminal).
 */
import { HelpRequested, parseDemoOptions } from "../../scripts/campaign/campaign-demo";
import { formatDuration, ProgressBar } from "../../scripts/dev/lib/progress";
import { ToolError } from "../../scripts/platform/lib/tools";

describe("campaign:demo options", () => {
  test.each([
    [["--patients", "4000"], 4000],
    [["--patients=4000"], 4000],
    [["--patients=150,000"], 150_000],
    [["--patients", "1_000_000"], 1_000_000],
  ])("%j -> %d patients", (argv, patients) => {
    expect(parseDemoOptions(argv).patients).toBe(patients);
  });

  test("--help and -h ask for the usage, which names every option and both spellings", () => {
    for (const flag of ["--help", "-h"]) {
      expect(() => parseDemoOptions(["--patients", "4000", flag])).toThrow(HelpRequested);
    }
    try {
      parseDemoOptions(["--help"]);
    } catch (error) {
      expect((error as Error).message).toMatch(/--patients N.*\n.*--out DIR.*\n.*--concurrency N/s);
      expect((error as Error).message).toContain("--name=N");
    }
  });

  test.each([
    [["--patients"], /--patients needs a value \(--patients N or --patients=N\)/],
    [["--patients", "--out", "x"], /--patients needs a value/],
    [["--patients=abc"], /--patients needs a whole number from 1,000 to 1,000,000, got "abc"/],
    [["--patients=1e5"], /got "1e5"/],
    [["--patients", "999"], /from 1,000 to 1,000,000, got "999"/],
    [["--patients=12.5"], /got "12.5"/],
    [["--patients="], /got ""/],
    [["--concurrency=0"], /--concurrency needs a whole number from 1 to 16, got "0"/],
    [["--patient=4000"], /unknown option "--patient=4000"/],
    [["4000"], /unknown option "4000"/],
    [["--patients=4000", "--patients=5000"], /--patients is given twice/],
    [["--out="], /--out needs a folder/],
  ])("%j is refused with a message that says what to change", (argv, message) => {
    expect(() => parseDemoOptions(argv)).toThrow(ToolError);
    expect(() => parseDemoOptions(argv)).toThrow(message);
    // Every error carries the usage.
    expect(() => parseDemoOptions(argv)).toThrow(/usage: npm run campaign:demo/);
  });
});

describe("progress bar", () => {
  function fakeBar(total: number, tty: boolean) {
    let now = 1_000_000;
    const out: string[] = [];
    const bar = new ProgressBar("inviting", total, " invitations", { tty, write: (t) => out.push(t), clock: () => now });
    return { bar, out, tick: (seconds: number) => (now += seconds * 1000) };
  }

  test("shows the time left from the rate so far", () => {
    const { bar, out, tick } = fakeBar(1000, true);
    tick(10);
    bar.advance(250);
    expect(bar.remainingSeconds()).toBe(30);
    expect(out[out.length - 1]).toContain("25% 250/1,000 invitations 25/s, 30 s left");
  });

  test("in a log (no terminal): a line per 10% with the time left, and 100% at the end even when the total was an upper bound", () => {
    const { bar, out, tick } = fakeBar(1000, false);
    for (let i = 0; i < 9; i++) {
      tick(6);
      bar.advance(100);
    }
    bar.finish();
    expect(out.filter((l) => /^inviting: \d+%/.test(l)).map((l) => l.split(" (")[0])).toEqual(["inviting: 0%", ...[10, 20, 30, 40, 50, 60, 70, 80, 90].map((p) => `inviting: ${p}%`), "inviting: 100%"]);
    expect(out.find((l) => l.startsWith("inviting: 50%"))).toContain("500/1,000 invitations, 30 s left");
    expect(out[out.length - 2]).toBe("inviting: 100% (900/900 invitations, done)\n");
    expect(out[out.length - 1]).toBe("  inviting: 900 invitations in 54 s\n");
  });

  test("on a terminal the bar ends at 100% too", () => {
    const { bar, out, tick } = fakeBar(1000, true);
    tick(5);
    bar.advance(600);
    bar.finish("600 sent");
    expect(out[out.length - 2]).toMatch(/\[#{30}\] 100% 600\/600 invitations .*done/);
    expect(out[out.length - 1]).toBe("\n  inviting: 600 invitations in 5 s (600 sent)\n");
  });

  test.each([[42, "42 s"], [185, "3 min 05 s"], [3720, "1 h 02 min"]])("formatDuration(%d) = %s", (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});

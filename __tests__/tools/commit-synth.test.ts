/**
 * The kept synths of commits (scripts/platform/lib/commit-synth.ts) that cost --base and
 * policy:diff compare with: one synth per commit and environment selection, reused after, and
 * never an incomplete entry. The synthesizer is a stand-in here; the real worktree synth runs
 * in cost.test.ts and posture-diff.test.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { CommitSynthError, synthesizedCommit } from "../../scripts/platform/lib/commit-synth";
import { temporaryDirectories } from "../support/files";

const tempDir = temporaryDirectories();
const A = "a".repeat(40);
const B = "b".repeat(40);

describe("synthesizedCommit", () => {
  let calls: string[];
  const fakeSynth = (commit: string, environments: string | undefined, outdir: string) => {
    calls.push(`${commit.slice(0, 1)}:${environments ?? "all"}`);
    const dir = join(outdir, "stacks", "dev-network");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify({ commit, environments: environments ?? null }));
  };
  const stackOf = (entry: string) => JSON.parse(readFileSync(join(entry, "stacks", "dev-network", "cdk.tf.json"), "utf8"));

  beforeEach(() => {
    calls = [];
    process.env.MEDICARE_COMMIT_SYNTH_CACHE = tempDir("medicare-commit-synth-cache-");
  });
  afterAll(() => delete process.env.MEDICARE_COMMIT_SYNTH_CACHE);

  it("synthesizes a commit once per environment selection and reads it after", () => {
    const options = { log: () => undefined, synthesize: fakeSynth };
    const first = synthesizedCommit(A, options);
    expect(stackOf(first)).toEqual({ commit: A, environments: null });
    expect(synthesizedCommit(A, options)).toBe(first);
    expect(stackOf(synthesizedCommit(A, { ...options, environments: "dev" }))).toEqual({ commit: A, environments: "dev" });
    expect(stackOf(synthesizedCommit(B, options))).toEqual({ commit: B, environments: null });
    expect(calls).toEqual(["a:all", "a:dev", "b:all"]);
  });

  it("keeps nothing from a synth that failed or wrote no stack, and tries again next time", () => {
    const failing = () => {
      throw new CommitSynthError("does not synthesize");
    };
    expect(() => synthesizedCommit(A, { log: () => undefined, synthesize: failing })).toThrow(/does not synthesize/);
    expect(() => synthesizedCommit(A, { log: () => undefined, synthesize: () => calls.push("nothing") })).toThrow(/synthesized no stacks/);
    synthesizedCommit(A, { log: () => undefined, synthesize: fakeSynth });
    expect(calls).toEqual(["nothing", "a:all"]);
  });

  it("refuses anything but a full commit hash (a branch name would be kept under a moving target)", () => {
    expect(() => synthesizedCommit("main", { log: () => undefined, synthesize: fakeSynth })).toThrow(/full commit hash/);
    expect(calls).toEqual([]);
  });
});

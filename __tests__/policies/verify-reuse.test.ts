/**
 * test:quick reuses a passing `conftest verify` only for the exact inputs it ran on
 * (verifyInputsHash, scripts/review/lib/policy-engine.ts): any change to a policy, fixture or
 * data file, or to the binary, is a new key, so the verify runs again.
 */
import { mkdirSync, renameSync, statSync, utimesSync, writeFileSync } from "fs";
import { join } from "path";
import { verifyInputsHash } from "../../scripts/review/lib/policy-engine";
import { temporaryDirectories } from "../support/files";

const tempDir = temporaryDirectories();

describe("the key of a kept conftest verify result", () => {
  let dir: string;
  let policies: string;
  let binary: string;
  const write = (path: string, text: string) => {
    mkdirSync(join(policies, path, ".."), { recursive: true });
    writeFileSync(join(policies, path), text);
  };

  beforeEach(() => {
    dir = tempDir("medicare-verify-key-");
    policies = join(dir, "policies");
    binary = join(dir, "conftest");
    writeFileSync(binary, "binary v1");
    write("net/net.rego", "package rules.net.vpc\n");
    write("net/net_test.rego", "package rules.net.vpc_test\n");
    write("data/bounds.json", '{"max": 1}');
  });

  it("stays while nothing changes", () => {
    expect(verifyInputsHash(binary, policies)).toBe(verifyInputsHash(binary, policies));
  });

  it.each([
    ["a rule rewritten with its size and mtime kept", () => {
      const file = join(policies, "net/net.rego");
      const { atime, mtime } = statSync(file);
      write("net/net.rego", "package rules.net.xyz\n");
      utimesSync(file, atime, mtime);
    }],
    ["a fixture added", () => write("net/more_test.rego", "package rules.net.more_test\n")],
    ["a data file changed", () => write("data/bounds.json", '{"max": 2}')],
    ["a file moved to another folder", () => {
      mkdirSync(join(policies, "other"));
      renameSync(join(policies, "net/net.rego"), join(policies, "other/net.rego"));
    }],
    ["another conftest binary", () => writeFileSync(binary, "binary v2")],
  ])("changes with %s", (_what, change) => {
    const before = verifyInputsHash(binary, policies);
    change();
    expect(verifyInputsHash(binary, policies)).not.toBe(before);
  });
});

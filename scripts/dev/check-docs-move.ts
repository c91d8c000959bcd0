/**
 * npx tsx scripts/dev/check-docs-move.ts [--from <git revision>]: checks that moving the README
 * into a front door plus docs/ lost nothing. Every clause of the old README (each paragraph,
 * list item, table cell and code line, split at sentence and clause ends) must appear in the
 * new README.md or a docs/*.md file, compared without markdown markup and with whitespace
 * collapsed. Clauses deliberately rewritten are listed in REWRITTEN with what replaced them.
 * Exit 0 when nothing is missing, 1 with each missing clause listed, 2 when it cannot run.
 */
import { spawnSync } from "child_process";
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { ROOT } from "../paths";

/** The README before the move (issue 22). */
const DEFAULT_FROM = "9579b61";

/** Old clauses that were rewritten on purpose -> where their content is now and why. */
const REWRITTEN: Readonly<Record<string, string>> = {
  "synthesizes all stacks to cdktf.out/stacks/<env>-<component>/cdk.tf.json (~10 s for the ten stacks, including the esbuild bundle of each function)":
    "README platform table: the time changed with the bundle cache; `npm run bench -- --only synth` prints it",
};

const normalize = (text: string) =>
  text
    .replace(/\*\*|__|`/g, "")
    .replace(/(^|\s)\*([^*\s][^*]*)\*/g, "$1$2")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\s+/g, " ")
    .trim();

/** The clauses of a markdown text: sentences and `;`/`:`-separated parts of each block. */
function clauses(markdown: string): string[] {
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push(paragraph.join(" "));
    paragraph = [];
  };
  let inCode = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) {
      flush();
      inCode = !inCode;
      continue;
    }
    if (inCode) {
      blocks.push(line);
      continue;
    }
    if (/^\s*\|/.test(line)) {
      flush();
      blocks.push(...line.split(/(?<!\\)\|/).filter((cell) => !/^\s*:?-*:?\s*$/.test(cell)));
    } else if (/^\s*$/.test(line) || /^#+\s/.test(line)) {
      flush();
      if (/^#+\s/.test(line)) blocks.push(line.replace(/^#+\s*/, ""));
    } else if (/^\s*(-|\d+\.)\s/.test(line)) {
      flush();
      paragraph.push(line.replace(/^\s*(-|\d+\.)\s+/, ""));
    } else {
      paragraph.push(line.trim());
    }
  }
  flush();
  return blocks
    .map(normalize)
    .flatMap((block) => block.split(/(?<=[.;:])\s+(?=[A-Z(`"*]|[a-z])/))
    .map((clause) => clause.replace(/[.;:,]$/, "").trim())
    .filter((clause) => clause.length >= 3);
}

function main(): number {
  const i = process.argv.indexOf("--from");
  const from = i >= 0 ? process.argv[i + 1] : DEFAULT_FROM;
  const old = spawnSync("git", ["show", `${from}:README.md`], { cwd: ROOT, encoding: "utf8" });
  if (old.status !== 0) {
    process.stderr.write(`check-docs-move: cannot read README.md at ${from}: ${old.stderr}`);
    return 2;
  }
  const docs = readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => join("docs", f));
  const corpus = normalize(["README.md", ...docs].map((file) => readFileSync(join(ROOT, file), "utf8")).join("\n").replace(/^\s*(-|\d+\.)\s+/gm, "").replace(/^#+\s*/gm, "").replace(/^\s*\|.*$/gm, (row) => row.replace(/(?<!\\)\|/g, "\n")));
  const all = clauses(old.stdout);
  const rewritten = new Set(Object.keys(REWRITTEN).map(normalize));
  const missing = all.filter((clause) => !corpus.includes(clause) && ![...rewritten].some((r) => r.includes(clause) || clause.includes(r)));
  const found = all.filter((clause) => corpus.includes(clause)).length;
  process.stdout.write(`${all.length} clauses in README.md at ${from}; ${found} found in README.md and ${docs.length} docs/ files, ${Object.keys(REWRITTEN).length} rewritten on purpose:\n`);
  for (const [clause, where] of Object.entries(REWRITTEN)) process.stdout.write(`  rewritten: "${clause.slice(0, 80)}..." -> ${where}\n`);
  for (const clause of missing) process.stdout.write(`  MISSING: ${clause}\n`);
  process.stdout.write(missing.length === 0 ? "nothing lost\n" : `${missing.length} missing\n`);
  return missing.length === 0 ? 0 : 1;
}

process.exitCode = main();

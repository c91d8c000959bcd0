/**
 * The synth app as one JavaScript file: main.ts and everything it imports (our modules, cdktf,
 * constructs and the provider's deep-path classes) bundled by esbuild, so `npm run synth` runs
 * plain JavaScript (no tsx transpiling every file, no thousand-file module resolution) that V8
 * can load from its code cache. scripts/platform/synth.js finds it in the bundle cache and
 * runs it; this module builds it when the cache has no entry for the current inputs.
 *
 * This file stands for the build options in the cache key (synth.js hashes it), so any change
 * here builds a new bundle. It must import nothing but Node built-ins and esbuild: synth.js
 * loads it through tsx, which it otherwise never needs.
 */
import { readFileSync } from "fs";
import { dirname, join } from "path";
import { build, Plugin } from "esbuild";

/** The bundle's entry, relative to the project root (also its key in the bundle cache). */
export const APP_ENTRY = "main.ts";

/**
 * A directive prologue ("use strict") and the comments before it: a declaration injected
 * before it would turn the directive into a plain string and the module into sloppy mode.
 */
const PROLOGUE = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:(["'])use strict\1;?)?/;

/**
 * Every module that reads `__dirname` or `__filename` (modules/config/environments.ts reads its
 * certificate beside it, modules/core/pricing.ts the pricing folder, cdktf's archiver runs its
 * own file) gets its own source location as those names, as it has when Node loads it, instead
 * of the bundle's. esbuild renames each module's declaration apart from the others'.
 */
function sourceLocationPlugin(): Plugin {
  return {
    name: "source-location",
    setup(esbuild) {
      esbuild.onLoad({ filter: /\.(ts|js|cjs|mjs)$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("__dirname") && !source.includes("__filename")) return undefined;
        const prologue = PROLOGUE.exec(source)?.[0] ?? "";
        const location = `var __dirname = ${JSON.stringify(dirname(args.path))}, __filename = ${JSON.stringify(args.path)};`;
        return { contents: `${prologue}${location}${source.slice(prologue.length)}`, loader: args.path.endsWith(".ts") ? "ts" : "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * Builds the app bundle. Returns the JavaScript and every file esbuild read for it (relative
 * to `root`), which the bundle cache hashes. Any esbuild warning fails the build (e.g. a
 * `require` it cannot follow would fail at run time instead): synth.js then runs main.ts
 * from source.
 */
export async function buildAppBundle(root: string): Promise<{ js: Buffer; inputs: string[] }> {
  const result = await build({
    entryPoints: [join(root, APP_ENTRY)],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    // The oldest Node the project supports (package.json engines).
    target: "node20",
    format: "cjs",
    // Class and function names as in the source: cdktf and constructs read constructor names.
    keepNames: true,
    // esbuild finds its binary next to its own files; it is needed only to bundle functions.
    external: ["esbuild"],
    plugins: [sourceLocationPlugin()],
    // Readable output with each module's path in a comment: a stack trace into the bundle can be followed.
    minify: false,
    sourcemap: false,
    legalComments: "none",
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const problems = [...result.errors, ...result.warnings].map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ""}${m.text}`);
  if (problems.length > 0) throw new Error(`esbuild reported problems bundling ${APP_ENTRY}:\n  ${problems.join("\n  ")}`);
  const [output] = result.outputFiles;
  return { js: Buffer.from(output.contents), inputs: Object.keys(result.metafile.inputs) };
}

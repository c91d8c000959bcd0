/**
 * Which project modules a TypeScript file reaches through its relative imports (static
 * `import ... from`, `export ... from`, `import()` and `require()` of "./" or "../" paths).
 * Plain JavaScript because jest.config.js uses it to sort tests into projects.
 */
const { existsSync, readFileSync, statSync } = require("fs");
const { dirname, join, relative, resolve } = require("path");

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;

/** The project file a relative specifier names (TypeScript's resolution: .ts, then index.ts). */
function resolveImport(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.js`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * The import chain (project-relative paths, `file` first) from `file` to the first of
 * `targets` it reaches, or undefined when it reaches none. Only files inside `root` are followed.
 */
function reachesAny(root, file, targets) {
  const wanted = new Set(targets.map((t) => resolve(root, t)));
  const start = resolve(root, file);
  const cameFrom = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift();
    if (wanted.has(current)) {
      const chain = [];
      for (let at = current; at; at = cameFrom.get(at)) chain.unshift(relative(root, at));
      return chain;
    }
    if (!current.endsWith(".ts")) continue;
    for (const match of readFileSync(current, "utf8").matchAll(IMPORT)) {
      const next = resolveImport(current, match[1]);
      if (!next || cameFrom.has(next) || relative(root, next).startsWith("..") || next.includes(`${"/"}node_modules/`)) continue;
      cameFrom.set(next, current);
      queue.push(next);
    }
  }
  return undefined;
}

module.exports = { reachesAny };

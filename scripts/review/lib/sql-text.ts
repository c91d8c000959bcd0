/**
 * Reads the SQL text a `query(...)` / `execute(...)` call can run, from the TypeScript source,
 * without guessing (issue 18). The first argument is evaluated symbolically:
 *
 * - string and template literals; `${...}` substitutions, `+` concatenation and `a ? b : c`
 *   (both branches: each is a statement the code can run);
 * - identifiers bound to a `const`, or to a `let` whose every assignment is readable (array
 *   destructuring `[sql, values] = build(...)` included);
 * - calls of functions declared in the analyzed code, with their arguments bound to their
 *   parameters, through every `return`;
 * - a property whose TypeScript type is a union of string literals (the type lists its values);
 * - a parameter not bound by such a call: the arguments at every call site of its function in
 *   reachable code (a function also used as a value, not called, is unreadable).
 *
 * Anything else (a value from an object, a loop variable, a callback parameter, a runtime
 * string) throws UnreadableSqlError naming the file and line: rewrite that SQL as literals.
 */
import * as ts from "typescript";

export class UnreadableSqlError extends Error {
  constructor(readonly site: string, reason: string) {
    super(`${site}: ${reason}; the SQL-grant analysis reads SQL only from literals, constants and functions it can follow (scripts/review/lib/sql-text.ts). Write the statement as a literal (or a const/template of literals).`);
    this.name = "UnreadableSqlError";
  }
}

/** More variants than this from one call site is a sign of SQL assembled from data. */
const MAX_VARIANTS = 512;

type Env = ReadonlyMap<ts.Declaration, { readonly expr: ts.Expression; readonly env: Env }>;
const EMPTY: Env = new Map();

export type FunctionLike = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration;

export interface SqlReaderContext {
  readonly checker: ts.TypeChecker;
  /** `file:line` of a node. */
  readonly site: (node: ts.Node) => string;
  /** Every call expression in reachable code (call sites of a parameter's function are looked up here). */
  readonly reachableCalls: readonly ts.CallExpression[];
  /** Every identifier in reachable code (a function referenced other than by a call is unreadable). */
  readonly reachableIdentifiers: readonly ts.Identifier[];
}

export class SqlReader {
  /** Literal nodes whose text became part of a statement (the caller checks no SQL literal is left over). */
  readonly consumed = new Set<ts.Node>();
  private readonly active = new Set<ts.Node>();

  constructor(private readonly context: SqlReaderContext) {}

  /** Every text `expr` can evaluate to. */
  strings(expr: ts.Expression, env: Env = EMPTY): string[] {
    if (this.active.has(expr)) throw new UnreadableSqlError(this.context.site(expr), "the SQL text is defined recursively");
    this.active.add(expr);
    try {
      const out = this.read(expr, env);
      if (out.length > MAX_VARIANTS) throw new UnreadableSqlError(this.context.site(expr), `more than ${MAX_VARIANTS} variants of one statement`);
      return [...new Set(out)];
    } finally {
      this.active.delete(expr);
    }
  }

  private read(expr: ts.Expression, env: Env): string[] {
    const { site } = this.context;
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr) || ts.isNonNullExpression(expr) || ts.isTypeAssertionExpression(expr)) {
      return this.strings(expr.expression, env);
    }
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) {
      this.consumed.add(expr);
      return [expr.text];
    }
    if (ts.isNumericLiteral(expr)) return [expr.text];
    if (ts.isTemplateExpression(expr)) {
      this.consumed.add(expr);
      let acc = [expr.head.text];
      for (const span of expr.templateSpans) {
        const parts = this.strings(span.expression, env);
        acc = product(acc, parts).map((s) => s + span.literal.text);
      }
      return acc;
    }
    if (ts.isConditionalExpression(expr)) return [...this.strings(expr.whenTrue, env), ...this.strings(expr.whenFalse, env)];
    if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return product(this.strings(expr.left, env), this.strings(expr.right, env));
    }
    if (ts.isIdentifier(expr)) return this.identifier(expr, env);
    const literalType = this.literalTypeValues(expr);
    if (literalType) return literalType;
    if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression)) return this.stringMethod(expr, expr.expression, env);
    if (ts.isCallExpression(expr)) return this.call(expr, env, (ret, innerEnv) => this.strings(ret, innerEnv));
    throw new UnreadableSqlError(site(expr), `SQL built from ${ts.SyntaxKind[expr.kind]} \`${abbreviate(expr.getText())}\``);
  }

  /** A property or element whose TypeScript type is a string literal or a union of them (`key.column: "a" | "b"`): the type lists every value. */
  private literalTypeValues(expr: ts.Expression): string[] | undefined {
    if (!ts.isPropertyAccessExpression(expr) && !ts.isElementAccessExpression(expr)) return undefined;
    const type = this.context.checker.getTypeAtLocation(expr);
    const members = type.isUnion() ? type.types : [type];
    if (!members.every((t) => t.isStringLiteral() || t.isNumberLiteral())) return undefined;
    return members.map((t) => String((t as ts.LiteralType).value));
  }

  /** A pure string method with constant arguments (`.replace(/'/g, "''")`, `.trim()`, `[...].join(", ")`). */
  private stringMethod(call: ts.CallExpression, access: ts.PropertyAccessExpression, env: Env): string[] {
    const method = access.name.text;
    const site = this.context.site(call);
    const constant = (arg: ts.Expression | undefined): string | RegExp => {
      if (arg && ts.isRegularExpressionLiteral(arg)) {
        const match = /^\/(.*)\/([a-z]*)$/s.exec(arg.text)!;
        return new RegExp(match[1], match[2]);
      }
      const values = arg ? this.strings(arg, env) : [];
      if (values.length !== 1) throw new UnreadableSqlError(site, `\`.${method}(...)\` with an argument that is not one constant`);
      return values[0];
    };
    const array = access.expression;
    if (method === "join" && ts.isArrayLiteralExpression(array)) {
      const separator = call.arguments.length === 0 ? "," : constant(call.arguments[0]);
      if (typeof separator !== "string") throw new UnreadableSqlError(site, "`.join()` with a regular expression");
      let acc = [""];
      array.elements.forEach((element, index) => {
        if (ts.isSpreadElement(element) || ts.isOmittedExpression(element)) throw new UnreadableSqlError(site, "`.join()` over a spread or a hole");
        acc = product(acc, this.strings(element, env));
        if (index < array.elements.length - 1) acc = acc.map((s) => s + separator);
      });
      return acc;
    }
    const receiver = () => this.strings(access.expression, env);
    if (method === "replace" || method === "replaceAll") {
      const pattern = constant(call.arguments[0]);
      const replacement = constant(call.arguments[1]);
      if (typeof replacement !== "string") throw new UnreadableSqlError(site, `\`.${method}()\` with a function as the replacement`);
      return receiver().map((s) => (method === "replace" ? s.replace(pattern, replacement) : s.replaceAll(pattern, replacement)));
    }
    if (method === "trim" || method === "toUpperCase" || method === "toLowerCase") return receiver().map((s) => s[method]());
    throw new UnreadableSqlError(site, `SQL built by \`${abbreviate(call.getText())}\``);
  }

  /** Element `index` of the arrays `expr` can evaluate to (`[sql, values] = build()`). */
  private element(expr: ts.Expression, index: number, env: Env): string[] {
    if (ts.isParenthesizedExpression(expr)) return this.element(expr.expression, index, env);
    if (ts.isConditionalExpression(expr)) return [...this.element(expr.whenTrue, index, env), ...this.element(expr.whenFalse, index, env)];
    if (ts.isArrayLiteralExpression(expr)) {
      const item = expr.elements[index];
      if (!item || ts.isSpreadElement(item) || ts.isOmittedExpression(item)) throw new UnreadableSqlError(this.context.site(expr), `no element ${index} to read SQL from`);
      return this.strings(item, env);
    }
    if (ts.isCallExpression(expr)) return this.call(expr, env, (ret, innerEnv) => this.element(ret, index, innerEnv));
    throw new UnreadableSqlError(this.context.site(expr), `SQL destructured from \`${abbreviate(expr.getText())}\``);
  }

  private declarationOf(id: ts.Identifier): ts.Declaration {
    const { checker, site } = this.context;
    let symbol = checker.getSymbolAtLocation(id);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
    if (!declaration) throw new UnreadableSqlError(site(id), `\`${id.text}\` is not declared in the analyzed code`);
    return declaration;
  }

  private identifier(id: ts.Identifier, env: Env): string[] {
    const { site } = this.context;
    const declaration = this.declarationOf(id);
    if (ts.isParameter(declaration)) {
      const bound = env.get(declaration);
      if (bound) return this.strings(bound.expr, bound.env);
      return this.parameterAtCallSites(declaration);
    }
    if (ts.isVariableDeclaration(declaration) && ts.isIdentifier(declaration.name)) {
      const list = declaration.parent;
      const isConst = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
      if (ts.isVariableDeclarationList(list) && ts.isForOfStatement(list.parent)) throw new UnreadableSqlError(site(id), `\`${id.text}\` is a loop variable`);
      const values: string[] = [];
      if (declaration.initializer) values.push(...this.strings(declaration.initializer, env));
      if (!isConst) values.push(...this.assignments(declaration, env));
      if (values.length === 0) throw new UnreadableSqlError(site(id), `\`${id.text}\` is never assigned SQL`);
      return values;
    }
    throw new UnreadableSqlError(site(id), `\`${id.text}\` is a ${ts.SyntaxKind[declaration.kind]}, not a constant or a parameter`);
  }

  /** The values assigned to the `let` declared by `declaration` (within its scope). */
  private assignments(declaration: ts.VariableDeclaration, env: Env): string[] {
    const scope = enclosingScope(declaration);
    const out: string[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        if (ts.isIdentifier(node.left) && this.declarationOf(node.left) === declaration) out.push(...this.strings(node.right, env));
        if (ts.isArrayLiteralExpression(node.left)) {
          node.left.elements.forEach((element, index) => {
            if (ts.isIdentifier(element) && this.declarationOf(element) === declaration) out.push(...this.element(node.right, index, env));
          });
        }
      } else if (ts.isBinaryExpression(node) && isCompoundAssignment(node.operatorToken.kind) && ts.isIdentifier(node.left) && this.declarationOf(node.left) === declaration) {
        throw new UnreadableSqlError(this.context.site(node), `\`${node.left.text}\` is changed by \`${node.operatorToken.getText()}\``);
      }
      node.forEachChild(visit);
    };
    visit(scope);
    return out;
  }

  private callee(call: ts.CallExpression): FunctionLike | undefined {
    if (!ts.isIdentifier(call.expression)) return undefined;
    const declaration = this.declarationOf(call.expression);
    if (ts.isFunctionDeclaration(declaration) && declaration.body) return declaration;
    if (ts.isVariableDeclaration(declaration) && declaration.initializer && (ts.isArrowFunction(declaration.initializer) || ts.isFunctionExpression(declaration.initializer))) return declaration.initializer;
    return undefined;
  }

  private call(call: ts.CallExpression, env: Env, ofReturn: (ret: ts.Expression, env: Env) => string[]): string[] {
    const fn = this.callee(call);
    if (!fn) throw new UnreadableSqlError(this.context.site(call), `SQL returned by \`${abbreviate(call.expression.getText())}(...)\`, which is not a function declared in the analyzed code`);
    const inner = new Map(env);
    fn.parameters.forEach((parameter, index) => {
      const argument = call.arguments[index] ?? parameter.initializer;
      if (argument) inner.set(parameter, { expr: argument, env });
    });
    return returnsOf(fn, this.context.site).flatMap((ret) => ofReturn(ret, inner));
  }

  /** A parameter read without a binding call: the argument at each call site of its function. */
  private parameterAtCallSites(parameter: ts.ParameterDeclaration): string[] {
    const { site, checker } = this.context;
    const fn = parameter.parent;
    const index = fn.parameters.indexOf(parameter);
    const name = functionName(fn);
    if (!name || !ts.isIdentifier(parameter.name)) throw new UnreadableSqlError(site(parameter), `parameter \`${parameter.name.getText()}\` of an anonymous function (a callback?) carries the SQL`);
    const symbol = checker.getSymbolAtLocation(name);
    const same = (id: ts.Identifier) => {
      let s = checker.getSymbolAtLocation(id);
      if (s && s.flags & ts.SymbolFlags.Alias) s = checker.getAliasedSymbol(s);
      return s !== undefined && s === symbol;
    };
    for (const id of this.context.reachableIdentifiers) {
      if (id === name || !same(id)) continue;
      const parent = id.parent;
      const called = ts.isCallExpression(parent) && parent.expression === id;
      const imported = ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent);
      if (!called && !imported) throw new UnreadableSqlError(site(id), `\`${id.text}\`, whose parameter \`${parameter.name.text}\` carries SQL, is used as a value; call it directly`);
    }
    const out: string[] = [];
    for (const call of this.context.reachableCalls) {
      if (!ts.isIdentifier(call.expression) || !same(call.expression)) continue;
      const argument = call.arguments[index] ?? parameter.initializer;
      if (!argument) throw new UnreadableSqlError(site(call), `no SQL passed as \`${parameter.name.text}\``);
      out.push(...this.strings(argument));
    }
    if (out.length === 0) throw new UnreadableSqlError(site(parameter), `\`${name.text}\` is never called from reachable code, so its SQL parameter \`${parameter.name.text}\` has no known value`);
    return out;
  }
}

function functionName(fn: ts.SignatureDeclaration): ts.Identifier | undefined {
  if (ts.isFunctionDeclaration(fn) && fn.name) return fn.name;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name;
  return undefined;
}

function returnsOf(fn: FunctionLike, site: (node: ts.Node) => string): ts.Expression[] {
  if (!fn.body) throw new UnreadableSqlError(site(fn), "a function without a body returns the SQL");
  if (!ts.isBlock(fn.body)) return [fn.body];
  const out: ts.Expression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return; // a nested function's returns are its own
    if (ts.isReturnStatement(node)) {
      if (!node.expression) throw new UnreadableSqlError(site(node), "a bare `return` where SQL is expected");
      out.push(node.expression);
    }
    node.forEachChild(visit);
  };
  fn.body.forEachChild(visit);
  if (out.length === 0) throw new UnreadableSqlError(site(fn), "the function returns no SQL");
  return out;
}

function enclosingScope(node: ts.Node): ts.Node {
  let current = node.parent;
  while (current && !ts.isFunctionLike(current) && !ts.isSourceFile(current)) current = current.parent;
  return current ?? node.getSourceFile();
}

function isCompoundAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstCompoundAssignment && kind <= ts.SyntaxKind.LastCompoundAssignment;
}

function product(left: readonly string[], right: readonly string[]): string[] {
  return left.flatMap((l) => right.map((r) => l + r));
}

function abbreviate(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

/**
 * Which AWS API actions each Lambda function's code can call, derived from the code (issue 7,
 * item 2: the code-side half of "least privilege measured"; the roles are checked against it
 * later).
 *
 * How, for one entry `functions/<name>/handler.ts`:
 * 1. esbuild builds the entry with the options modules/compute/bundle.ts uses for the
 *    deployment package (`metafile: true` added; the test checks the output is byte-identical
 *    to `bundledJavaScript`), which gives the module graph exactly as the bundle resolves it,
 *    aliases included.
 * 2. The project files in that graph (those under functions/) are parsed with the TypeScript
 *    compiler API and walked from the handler at top-level-declaration granularity: a function,
 *    class or constant counts only when reachable code references it, so a command sent by a
 *    helper the handler never uses (dispatch.ts's local queue drain, report-notify.ts) does not
 *    count, as esbuild's tree-shaking also drops it.
 * 3. Every value use (normally `new XxxCommand(...)`) of a class `XxxCommand` imported from
 *    `@aws-sdk/client-<service>` is one call; `new Signer(...)` from `@aws-sdk/rds-signer` is
 *    `rds-db:connect` (the token is signed locally; IAM evaluates the action when RDS Proxy
 *    checks the token).
 * 4. Cross-check against the bundle: the SDK command modules esbuild kept in the output must be
 *    exactly the commands found in step 3 (apart from SDK_INTERNAL_COMMANDS). A command reached
 *    some other way (a paginator, a waiter, the aggregated `new SNS().publish()` client,
 *    lib-storage's Upload) puts its module in the bundle without a `new XxxCommand` in our code,
 *    and fails the analysis instead of being missed.
 *
 * Only functions/ code is analyzed: the SDK's own modules under node_modules send no command on
 * their own (a client sends what it is given), with the one documented exception in
 * SDK_INTERNAL_COMMANDS; the credential stand-in functions/lib/lambda-credentials.ts reads the
 * environment and makes no calls (step 4 would see it otherwise).
 */
import { join, relative, resolve, sep } from "path";
import { buildSync, Metafile } from "esbuild";
import * as ts from "typescript";
import { functionBuildOptions, PROJECT_ROOT } from "../../../modules/compute/bundle";

export { PROJECT_ROOT };

/**
 * `@aws-sdk/client-*` package -> IAM service prefix. A client not listed fails the analysis
 * naming the package: add it here with the prefix from its Service Authorization Reference page.
 */
export const CLIENT_SERVICE_PREFIX: Readonly<Record<string, string>> = {
  "@aws-sdk/client-s3": "s3",
  "@aws-sdk/client-secrets-manager": "secretsmanager",
  "@aws-sdk/client-ses": "ses",
  "@aws-sdk/client-sesv2": "ses",
  "@aws-sdk/client-sns": "sns",
  "@aws-sdk/client-sqs": "sqs",
  "@aws-sdk/client-kms": "kms",
  "@aws-sdk/client-sfn": "states",
  "@aws-sdk/client-cloudfront": "cloudfront",
  "@aws-sdk/client-eventbridge": "events",
  "@aws-sdk/client-lambda": "lambda",
};

/** SDK packages that are not service clients but stand for an IAM action. */
const SIGNER_PACKAGE = "@aws-sdk/rds-signer";
export const RDS_CONNECT_ACTION = "rds-db:connect";

/** SDK packages functions/ may import that call no API (credential provider used by lambda-credentials.ts). */
const NON_CALLING_SDK_PACKAGES: ReadonlySet<string> = new Set(["@aws-sdk/credential-provider-env"]);

/**
 * API operations whose IAM action has another name. Everything else in a client maps to
 * `<prefix>:<Operation>` (the usual case), except S3, where the mapping is irregular enough that
 * every command must be listed below or in S3_SAME_NAME.
 *
 * Sources:
 * - SQS: "Amazon SQS batch actions", SQS Developer Guide
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api.html):
 *   "You cannot set permissions explicitly for SendMessageBatch, DeleteMessageBatch, or
 *   ChangeMessageVisibilityBatch. Instead, setting permissions for SendMessage, DeleteMessage, or
 *   ChangeMessageVisibility sets permissions for the corresponding batch versions."
 * - S3: "Amazon S3 policy actions", S3 User Guide
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-actions.html):
 *   "to use the ListObjectsV2 API operation, the s3:ListBucket policy action is required";
 *   "to use the HeadObject API operation, s3:GetObject is required". The action list itself is the
 *   Service Authorization Reference page for S3
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
 */
export const ACTION_EXCEPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "@aws-sdk/client-sqs": {
    SendMessageBatch: "sqs:SendMessage",
    DeleteMessageBatch: "sqs:DeleteMessage",
    ChangeMessageVisibilityBatch: "sqs:ChangeMessageVisibility",
  },
  "@aws-sdk/client-s3": {
    ListObjectsV2: "s3:ListBucket",
    HeadObject: "s3:GetObject",
  },
};

/** S3 operations checked to have an IAM action of the same name (same S3 User Guide page). */
const S3_SAME_NAME: ReadonlySet<string> = new Set(["PutObject", "GetObject", "DeleteObject"]);

/**
 * Commands the SDK itself may send, found in a bundle without any use in functions/:
 * - S3 CreateSession: S3Client's S3 Express identity provider sends it only for directory
 *   buckets (names ending `--x-s3`); every bucket here is a general-purpose SecureBucket, so it is
 *   never sent and needs no grant (`s3express:CreateSession`).
 */
export const SDK_INTERNAL_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  "@aws-sdk/client-s3": ["CreateSessionCommand"],
};

/** KMS actions a call also needs when its target resource is encrypted with a customer-managed key. */
export interface ImpliedKeyUse {
  readonly actions: readonly string[];
  /** When the resource's encryption makes them necessary. */
  readonly when: string;
  readonly source: string;
}

/**
 * IMPLIED BY THE RESOURCE'S ENCRYPTION, not by the code: the KMS actions each call needs on the
 * target's key (grant on the key named by the resource, checked against key policies in issue 7).
 */
export const IMPLIED_KEY_USE: Readonly<Record<string, ImpliedKeyUse>> = {
  "sqs:SendMessage": {
    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
    when: "queue encrypted with a customer-managed KMS key (SSE-KMS)",
    source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
  },
  "sqs:ReceiveMessage": {
    actions: ["kms:Decrypt"],
    when: "queue encrypted with a customer-managed KMS key (SSE-KMS)",
    source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
  },
  "s3:PutObject": {
    actions: ["kms:GenerateDataKey"],
    when: "object written with SSE-KMS (every SecureBucket); multipart uploads need kms:Decrypt too",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
  },
  "s3:GetObject": {
    actions: ["kms:Decrypt"],
    when: "object stored with SSE-KMS",
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
  },
  "sns:Publish": {
    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
    when: "publishing to a topic with SSE-KMS (an SMS sent straight to a phone number has no topic and no key)",
    source: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html",
  },
  "secretsmanager:GetSecretValue": {
    actions: ["kms:Decrypt"],
    when: "secret encrypted with a customer-managed KMS key",
    source: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
  },
  "secretsmanager:PutSecretValue": {
    actions: ["kms:GenerateDataKey"],
    when: "secret encrypted with a customer-managed KMS key",
    source: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
  },
};

/** One action the function can call, with where the code calls it. */
export interface ApiCall {
  readonly action: string;
  /** `package#Class` of every SDK class that stands for this action. */
  readonly commands: readonly string[];
  /** `functions/...ts:line` of each use. */
  readonly sites: readonly string[];
  /** KMS actions implied by the target's encryption (see IMPLIED_KEY_USE); absent when none. */
  readonly impliedByEncryption?: ImpliedKeyUse;
}

export interface FunctionApiCalls {
  /** `<name>/handler.ts` */
  readonly entry: string;
  /** `<name>` */
  readonly function: string;
  /** Sorted IAM actions. */
  readonly actions: readonly string[];
  readonly calls: readonly ApiCall[];
  /** Project files in the handler's module graph (the ones analyzed), sorted. */
  readonly files: readonly string[];
  /** SDK-internal commands present in the bundle and deliberately not counted. */
  readonly sdkInternal: readonly string[];
}

export interface AnalysisOptions {
  /** Root esbuild resolves from (default: the project). */
  readonly projectRoot?: string;
  /** Where entries and analyzed code live (default: `<projectRoot>/functions`). */
  readonly functionsDir?: string;
}

export interface AnalysisBuild {
  readonly js: Buffer;
  readonly metafile: Metafile;
}

/** Builds `<functionsDir>/<entry>` as the deployment package is built, plus the metafile. */
export function analysisBuild(entry: string, options: AnalysisOptions = {}): AnalysisBuild {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const functionsDir = options.functionsDir ?? join(projectRoot, "functions");
  const entryPath = resolve(functionsDir, entry);
  if (!entryPath.startsWith(functionsDir + sep)) throw new Error(`function entry "${entry}" must be under ${functionsDir}`);
  const result = buildSync({
    ...functionBuildOptions(entryPath),
    absWorkingDir: projectRoot,
    // Fixtures outside the project still resolve the project's packages.
    nodePaths: [join(PROJECT_ROOT, "node_modules")],
    metafile: true,
  });
  if (result.errors.length > 0) throw new Error(`esbuild failed for ${entry}: ${result.errors.map((e) => e.text).join("; ")}`);
  if (result.outputFiles.length !== 1) throw new Error(`esbuild produced ${result.outputFiles.length} outputs for ${entry}, expected 1`);
  return { js: Buffer.from(result.outputFiles[0].contents), metafile: result.metafile };
}

// ---------------------------------------------------------------------------------------------
// The TypeScript walk.

type Binding =
  | { readonly kind: "named"; readonly specifier: string; readonly imported: string }
  | { readonly kind: "namespace"; readonly specifier: string };

type ExportTarget = { readonly kind: "local"; readonly name: string } | { readonly kind: "reexport"; readonly specifier: string; readonly name: string };

interface ParsedFile {
  /** Path relative to the build's working directory (metafile key). */
  readonly key: string;
  readonly source: ts.SourceFile;
  readonly statements: readonly ts.Statement[];
  /** Top-level value name -> statement indexes declaring it. */
  readonly declarations: Map<string, number[]>;
  readonly imports: Map<string, Binding>;
  readonly exports: Map<string, ExportTarget>;
  readonly starExports: string[];
  /** Import specifier -> metafile key of the resolved file. */
  readonly resolved: Map<string, string>;
}

function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/")) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []).some((m) => m.kind === kind) : false;
}

function bindingNames(name: ts.BindingName, out: string[]): string[] {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, out);
  return out;
}

function parseFile(key: string, text: string, metafile: Metafile): ParsedFile {
  const source = ts.createSourceFile(key, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const declarations = new Map<string, number[]>();
  const imports = new Map<string, Binding>();
  const exports = new Map<string, ExportTarget>();
  const starExports: string[] = [];
  const resolved = new Map<string, string>();
  for (const imp of metafile.inputs[key]?.imports ?? []) if (imp.original) resolved.set(imp.original, imp.path);
  const declare = (name: string, index: number) => declarations.set(name, [...(declarations.get(name) ?? []), index]);

  source.statements.forEach((statement, index) => {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (!clause || clause.isTypeOnly || !ts.isStringLiteral(statement.moduleSpecifier)) return;
      const specifier = statement.moduleSpecifier.text;
      if (clause.name) imports.set(clause.name.text, { kind: "named", specifier, imported: "default" });
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) imports.set(bindings.name.text, { kind: "namespace", specifier });
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          if (element.isTypeOnly) continue;
          imports.set(element.name.text, { kind: "named", specifier, imported: (element.propertyName ?? element.name).text });
        }
      }
      return;
    }
    if (ts.isImportEqualsDeclaration(statement)) {
      throw new Error(`${key}: "import ${statement.name.text} = ..." is not analyzed; use an ES import`);
    }
    if (ts.isExportDeclaration(statement)) {
      if (statement.isTypeOnly) return;
      const specifier = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
      if (!statement.exportClause) {
        if (specifier) starExports.push(specifier);
        return;
      }
      if (ts.isNamespaceExport(statement.exportClause)) {
        throw new Error(`${key}: "export * as ${statement.exportClause.name.text}" is not analyzed`);
      }
      for (const element of statement.exportClause.elements) {
        if (element.isTypeOnly) continue;
        const local = (element.propertyName ?? element.name).text;
        exports.set(element.name.text, specifier ? { kind: "reexport", specifier, name: local } : { kind: "local", name: local });
      }
      return;
    }
    if (ts.isExportAssignment(statement)) {
      declare("default", index);
      exports.set("default", { kind: "local", name: "default" });
      return;
    }
    const exported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
    const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
    const names: string[] = [];
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) names.push(statement.name.text);
    else if (ts.isEnumDeclaration(statement) && !hasModifier(statement, ts.SyntaxKind.DeclareKeyword)) names.push(statement.name.text);
    else if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) bindingNames(d.name, names);
    for (const name of names) {
      declare(name, index);
      if (exported && !isDefault) exports.set(name, { kind: "local", name });
    }
    if (exported && isDefault) {
      declare("default", index);
      exports.set("default", { kind: "local", name: names[0] ?? "default" });
    }
  });
  return { key, source, statements: source.statements, declarations, imports, exports, starExports, resolved };
}

/** A top-level statement kept by the bundle even when nothing references it (it may have side effects). */
function runsOnLoad(statement: ts.Statement): boolean {
  if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) return false;
  if (ts.isFunctionDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) return false;
  if (ts.isModuleDeclaration(statement) || hasModifier(statement, ts.SyntaxKind.DeclareKeyword)) return false;
  if (ts.isEnumDeclaration(statement)) return false;
  if (ts.isClassDeclaration(statement)) return statement.members.some((m) => ts.isClassStaticBlockDeclaration(m) || (ts.isPropertyDeclaration(m) && hasModifier(m, ts.SyntaxKind.StaticKeyword) && !!m.initializer && !isPure(m.initializer)));
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.some((d) => !!d.initializer && !isPure(d.initializer));
  return true; // expression statements, blocks, ifs, loops, export default <expr>
}

/** An initializer that cannot run code when evaluated (conservative: anything else counts as running). */
function isPure(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node) || ts.isNonNullExpression(node)) {
    return isPure(node.expression);
  }
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isIdentifier(node) || ts.isLiteralExpression(node) || ts.isNoSubstitutionTemplateLiteral(node)) return true;
  if (ts.isTemplateExpression(node)) return node.templateSpans.every((s) => isPure(s.expression));
  if (ts.isPrefixUnaryExpression(node)) return isPure(node.operand);
  if (ts.isBinaryExpression(node)) return isPure(node.left) && isPure(node.right);
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword || node.kind === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isArrayLiteralExpression(node)) return node.elements.every((e) => !ts.isSpreadElement(e) && isPure(e));
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.every(
      (p) =>
        (ts.isPropertyAssignment(p) && !ts.isComputedPropertyName(p.name) && isPure(p.initializer)) ||
        ts.isShorthandPropertyAssignment(p) ||
        ts.isMethodDeclaration(p),
    );
  }
  return false;
}

/** Identifiers that name a property or declaration rather than reference a binding. */
function isNonReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return true;
  if (ts.isQualifiedName(parent) && parent.right === node) return true;
  if ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent) || ts.isEnumMember(parent) || ts.isPropertySignature(parent) || ts.isMethodSignature(parent)) && parent.name === node) return true;
  if (ts.isBindingElement(parent) && parent.propertyName === node) return true;
  if ((ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) && parent.label === node) return true;
  if (ts.isJsxAttribute(parent)) return true;
  return false;
}

export interface Found {
  readonly pkg: string;
  readonly className: string;
  readonly site: string;
}

/** The project files of `entry`'s graph, the SDK classes reachable code uses and the reachable top-level statements (`key#index`). */
function walk(entryKey: string, files: Map<string, ParsedFile>): { found: Found[]; reached: Set<string> } {
  const found: Found[] = [];
  const reached = new Set<string>();
  const queue: Array<[string, number]> = [];
  const reach = (key: string, index: number) => {
    const id = `${key}#${index}`;
    if (!reached.has(id)) {
      reached.add(id);
      queue.push([key, index]);
    }
  };
  const reachExport = (key: string, name: string, seen = new Set<string>()) => {
    const file = files.get(key);
    if (!file || seen.has(`${key}:${name}`)) return; // outside functions/ (a package): nothing of ours to walk
    seen.add(`${key}:${name}`);
    const target = file.exports.get(name);
    if (target?.kind === "local") reachLocal(file, target.name, undefined);
    else if (target?.kind === "reexport") followImport(file, target.specifier, { kind: "named", specifier: target.specifier, imported: target.name }, undefined, seen);
    else for (const star of file.starExports) followImport(file, star, { kind: "named", specifier: star, imported: name }, undefined, seen);
  };
  const reachLocal = (file: ParsedFile, name: string, node: ts.Identifier | undefined) => {
    const declared = file.declarations.get(name);
    if (declared) for (const index of declared) reach(file.key, index);
    else if (file.imports.has(name)) followImport(file, file.imports.get(name)!.specifier, file.imports.get(name)!, node, new Set());
  };
  const followImport = (file: ParsedFile, specifier: string, binding: Binding, node: ts.Identifier | undefined, seen: Set<string>) => {
    const pkg = packageOf(specifier);
    if (pkg && pkg.startsWith("@aws-sdk/")) {
      sdkUse(file, pkg, binding, node);
      return;
    }
    const target = file.resolved.get(specifier);
    if (!target) return; // a Node built-in or a package: not our code
    if (binding.kind === "namespace") {
      const targetFile = files.get(target);
      if (targetFile) for (const exported of targetFile.exports.keys()) reachExport(target, exported, seen);
      return;
    }
    reachExport(target, binding.imported, seen);
  };
  const sdkUse = (file: ParsedFile, pkg: string, binding: Binding, node: ts.Identifier | undefined) => {
    let className: string | undefined;
    if (binding.kind === "named") className = binding.imported;
    else if (node && ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node) className = node.parent.name.text;
    else throw new Error(`${file.key}: namespace import of ${pkg} used other than as ${"`ns.Name`"}; not analyzable`);
    if (!node) throw new Error(`${file.key}: ${pkg} re-exported from functions/ code; import it where it is used`);
    const site = `${file.key}:${file.source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    if (pkg.startsWith("@aws-sdk/client-")) {
      if (!(pkg in CLIENT_SERVICE_PREFIX)) {
        throw new Error(`unknown AWS SDK client package ${pkg} (used at ${site}): add it to CLIENT_SERVICE_PREFIX in scripts/review/lib/function-api-calls.ts with its IAM service prefix`);
      }
      if (/Command$/.test(className)) found.push({ pkg, className, site });
      return;
    }
    if (pkg === SIGNER_PACKAGE) {
      if (className === "Signer") found.push({ pkg, className, site });
      return;
    }
    if (NON_CALLING_SDK_PACKAGES.has(pkg)) return;
    throw new Error(`SDK package ${pkg} (used at ${site}) is not understood by the API-call analysis: teach scripts/review/lib/function-api-calls.ts which actions it calls`);
  };

  const entry = files.get(entryKey);
  if (!entry) throw new Error(`entry ${entryKey} is not in the build's inputs`);
  // The entry's every statement is in the bundle (its exports are the handler); elsewhere, what runs on load.
  entry.statements.forEach((_, index) => reach(entry.key, index));
  for (const file of files.values()) file.statements.forEach((s, index) => runsOnLoad(s) && reach(file.key, index));

  while (queue.length > 0) {
    const [key, index] = queue.shift()!;
    const file = files.get(key)!;
    const visit = (node: ts.Node): void => {
      if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return;
      if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isImportDeclaration(node)) return;
      if (ts.isHeritageClause(node) && node.token === ts.SyntaxKind.ImplementsKeyword) return;
      if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
        throw new Error(`${key}:${file.source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: dynamic import/require is not analyzed; use a static import`);
      }
      // (A shorthand `{ name }` is a reference too: its identifier is not excluded by isNonReference.)
      if (ts.isIdentifier(node) && !isNonReference(node)) reachLocal(file, node.text, node);
      node.forEachChild(visit);
    };
    const statement = file.statements[index];
    if (ts.isExportDeclaration(statement)) continue;
    visit(statement);
  }
  return { found, reached };
}

function actionOf(pkg: string, className: string): string {
  if (pkg === SIGNER_PACKAGE) return RDS_CONNECT_ACTION;
  const operation = className.replace(/Command$/, "");
  const exception = ACTION_EXCEPTIONS[pkg]?.[operation];
  if (exception) return exception;
  if (pkg === "@aws-sdk/client-s3" && !S3_SAME_NAME.has(operation)) {
    throw new Error(`S3 ${className}: its IAM action is not known to be s3:${operation}; add it to ACTION_EXCEPTIONS or S3_SAME_NAME in scripts/review/lib/function-api-calls.ts after checking the S3 policy-actions page`);
  }
  return `${CLIENT_SERVICE_PREFIX[pkg]}:${operation}`;
}

/** SDK command modules (and the RDS signer) esbuild kept in the bundle: `package#Class`. */
function bundledSdkClasses(metafile: Metafile): Set<string> {
  const out = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, use] of Object.entries(output.inputs)) {
      if (use.bytesInOutput === 0) continue;
      const command = /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\/dist-[a-z]+\/commands\/([A-Za-z0-9]+Command)\.js$/.exec(path);
      if (command) out.add(`${command[1]}#${command[2]}`);
      if (/node_modules\/@aws-sdk\/rds-signer\/dist-[a-z]+\/Signer\.js$/.test(path)) out.add(`${SIGNER_PACKAGE}#Signer`);
    }
  }
  return out;
}

/** The code a handler reaches: its project files (parsed) and the top-level statements reachable code uses. */
export interface ReachableCode {
  readonly metafile: Metafile;
  /** Metafile key (path relative to the project root) -> parsed file. */
  readonly files: ReadonlyMap<string, { readonly key: string; readonly source: ts.SourceFile }>;
  /** Whether the top-level statement `index` of file `key` is reached from the handler. */
  readonly isReached: (key: string, index: number) => boolean;
  readonly found: readonly Found[];
}

/** Builds `functions/<entry>` and walks its module graph (shared by the API-call and SQL-grant analyses). */
export function reachableCode(entry: string, options: AnalysisOptions = {}): ReachableCode {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const functionsDir = options.functionsDir ?? join(projectRoot, "functions");
  const { metafile } = analysisBuild(entry, { projectRoot, functionsDir });
  const ours = (key: string) => resolve(projectRoot, key).startsWith(functionsDir + sep);
  const files = new Map<string, ParsedFile>();
  for (const key of Object.keys(metafile.inputs).filter(ours)) {
    if (!/\.[cm]?[tj]s$/.test(key)) continue;
    files.set(key, parseFile(key, ts.sys.readFile(resolve(projectRoot, key)) ?? "", metafile));
  }
  const entryKey = relative(projectRoot, resolve(functionsDir, entry)).split(sep).join("/");
  const { found, reached } = walk(entryKey, files);
  return { metafile, files, isReached: (key, index) => reached.has(`${key}#${index}`), found };
}

/** The IAM actions `functions/<entry>`'s code can call (entry as listed by `functionEntries()`). */
export function apiCallsOf(entry: string, options: AnalysisOptions = {}): FunctionApiCalls {
  const { metafile, files, found } = reachableCode(entry, options);

  const byAction = new Map<string, { commands: Set<string>; sites: Set<string> }>();
  for (const f of found) {
    const action = actionOf(f.pkg, f.className);
    const slot = byAction.get(action) ?? { commands: new Set<string>(), sites: new Set<string>() };
    slot.commands.add(`${f.pkg}#${f.className}`);
    slot.sites.add(f.site);
    byAction.set(action, slot);
  }

  // Cross-check with what esbuild kept.
  const inCode = new Set(found.map((f) => `${f.pkg}#${f.className}`));
  const inBundle = bundledSdkClasses(metafile);
  const internal = [...inBundle].filter((c) => !inCode.has(c) && (SDK_INTERNAL_COMMANDS[c.split("#")[0]] ?? []).includes(c.split("#")[1])).sort();
  const unexplained = [...inBundle].filter((c) => !inCode.has(c) && !internal.includes(c)).sort();
  if (unexplained.length > 0) {
    throw new Error(`${entry}: the bundle contains ${unexplained.join(", ")} but no reachable functions/ code uses it by name (a paginator, waiter, aggregated client or helper?); extend scripts/review/lib/function-api-calls.ts`);
  }
  const dropped = [...inCode].filter((c) => !inBundle.has(c)).sort();
  if (dropped.length > 0) {
    throw new Error(`${entry}: reachable code uses ${dropped.join(", ")} but esbuild dropped it from the bundle; the reachability walk disagrees with the bundler`);
  }

  const calls: ApiCall[] = [...byAction.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([action, slot]) => ({
      action,
      commands: [...slot.commands].sort(),
      sites: [...slot.sites].sort(),
      ...(IMPLIED_KEY_USE[action] ? { impliedByEncryption: IMPLIED_KEY_USE[action] } : {}),
    }));
  return {
    entry,
    function: entry.split("/")[0],
    actions: calls.map((c) => c.action),
    calls,
    files: [...files.keys()].sort(),
    sdkInternal: internal,
  };
}

/** The table for reviewers: function -> actions (sorted) -> KMS actions implied by encryption. */
export function renderApiCallTable(all: readonly FunctionApiCalls[]): string {
  const rows: string[][] = [["function", "action", "implied by the resource's encryption (KMS)", "called at"]];
  for (const fn of all) {
    if (fn.calls.length === 0) rows.push([fn.function, "(none)", "", ""]);
    fn.calls.forEach((call, i) =>
      rows.push([i === 0 ? fn.function : "", call.action, call.impliedByEncryption ? call.impliedByEncryption.actions.join(", ") : "", call.sites.join(" ")]),
    );
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ").trimEnd();
  const out = [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)];
  const notes = [
    "",
    "KMS actions are implied by the target's encryption, not called by the code: grant them on the target's key.",
    ...Object.entries(IMPLIED_KEY_USE)
      .filter(([action]) => all.some((fn) => fn.actions.includes(action)))
      .map(([action, use]) => `  ${action}: ${use.actions.join(", ")} when ${use.when}`),
  ];
  const internal = all.filter((fn) => fn.sdkInternal.length > 0);
  if (internal.length > 0) notes.push("SDK-internal commands in a bundle, not counted (see SDK_INTERNAL_COMMANDS): " + internal.map((fn) => `${fn.function}: ${fn.sdkInternal.join(", ")}`).join("; "));
  return `${out.join("\n")}\n${notes.join("\n")}\n`;
}

/**
 * The local services the campaign engine's integration tests, demo and bench run against:
 * a MariaDB server (MySQL-compatible, like Aurora MySQL 3) and moto's AWS API emulator.
 * Both are installed into .tools/ on first use (no root install, no Docker) and started
 * on loopback, idempotently: a second caller finds them running and reuses them.
 *
 *   MariaDB  Debian's mariadb-server-core package, fetched with `apt-get download` and
 *            unpacked with `dpkg -x` into .tools/mariadb (or a `mariadbd` already on PATH).
 *   moto     `pip install moto[server]==MOTO_VERSION` into the virtualenv .tools/moto-venv.
 *
 * Ports: 127.0.0.1:33306 and 127.0.0.1:45000 unless MEDICARE_MYSQL_PORT / MEDICARE_MOTO_PORT say otherwise.
 */
import { spawn, spawnSync } from "child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { connect } from "net";
import { join } from "path";
import { TOOLS_DIR } from "../../paths";
import { ToolError } from "../../platform/lib/tools";

/** moto release the tests are written against (SNS, SES v1, S3, SQS). */
export const MOTO_VERSION = "5.2.5";
/** Debian packages that make a runnable MariaDB server and client, with the libraries bookworm images often lack. */
const MARIADB_PACKAGES = ["mariadb-server-core", "mariadb-client-core", "libaio1", "libnuma1", "liburing2"];

const SERVICES_DIR = join(TOOLS_DIR, "services");
const MARIADB_ROOT = join(TOOLS_DIR, "mariadb");
const MOTO_VENV = join(TOOLS_DIR, "moto-venv");

export interface LocalServices {
  readonly mysql: { readonly host: string; readonly port: number; readonly user: string; readonly password: string };
  /** moto's endpoint, for every AWS SDK client (`endpoint`, with any credentials). */
  readonly awsEndpoint: string;
}

/**
 * Who started a service: `jest`, `demo`, `bench` and `preview` stop what they started when they end;
 * `manual` ones (npm run services -- start) are left running for the next command.
 */
export type ServiceOwner = "jest" | "demo" | "bench" | "preview" | "manual";

const portFrom = (variable: string, fallback: number): number => {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new ToolError(`${variable} must be a TCP port from 1024 to 65535, got ${JSON.stringify(raw)}; unset it to use ${fallback}.`);
  }
  return port;
};

export const mysqlPort = () => portFrom("MEDICARE_MYSQL_PORT", 33306);
export const motoPort = () => portFrom("MEDICARE_MOTO_PORT", 45000);

export function localServicesAddress(): LocalServices {
  return {
    mysql: { host: "127.0.0.1", port: mysqlPort(), user: "root", password: "" },
    awsEndpoint: `http://127.0.0.1:${motoPort()}`,
  };
}

/** Whether each service answers on its port now (nothing is started). */
export async function localServicesStatus(): Promise<{ mysql: boolean; moto: boolean }> {
  const [mysql, moto] = await Promise.all([answers(mysqlPort()), answers(motoPort())]);
  return { mysql, moto };
}

/** Starts both services if they are not running; resolves once both answer. */
export async function ensureLocalServices(owner: ServiceOwner, log: (line: string) => void = () => undefined): Promise<LocalServices> {
  await withLock("start", async () => {
    await ensureMariaDb(owner, log);
    await ensureMoto(owner, log);
  });
  return localServicesAddress();
}

/** Stops the services the given owner started (all of them for `manual`, i.e. `npm run services -- stop`). */
export function stopLocalServices(owner: ServiceOwner | "all"): string[] {
  const stopped: string[] = [];
  for (const name of ["mariadb", "moto"]) {
    const pidFile = join(SERVICES_DIR, `${name}.pid`);
    if (!existsSync(pidFile)) continue;
    const [pid, startedBy] = readFileSync(pidFile, "utf8").trim().split(" ");
    if (owner !== "all" && startedBy !== owner) continue;
    try {
      process.kill(Number(pid), "SIGTERM");
      stopped.push(name);
    } catch {
      // Already gone.
    }
    rmSync(pidFile, { force: true });
  }
  return stopped;
}

// ---------------------------------------------------------------------------------------------

async function ensureMariaDb(owner: ServiceOwner, log: (line: string) => void): Promise<void> {
  const port = mysqlPort();
  if (await answers(port)) return;
  const { mariadbd, installDb, libraryPath, basedir } = installMariaDb(log);
  const datadir = join(SERVICES_DIR, "mariadb-data");
  const env = { ...process.env, LD_LIBRARY_PATH: [libraryPath, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") };
  if (!existsSync(join(datadir, "mysql"))) {
    mkdirSync(datadir, { recursive: true });
    const init = spawnSync(installDb, [
      "--no-defaults", `--basedir=${basedir}`, `--datadir=${datadir}`, "--auth-root-authentication-method=normal", "--skip-test-db", "--user=root",
    ], { env, encoding: "utf8" });
    if (init.status !== 0) {
      rmSync(datadir, { recursive: true, force: true });
      throw new ToolError(`mariadb-install-db failed (exit ${init.status}): ${init.stderr.slice(-2000)}`);
    }
  }
  const args = [
    "--no-defaults", `--basedir=${basedir}`, `--datadir=${datadir}`, `--port=${port}`, "--bind-address=127.0.0.1",
    `--socket=${join(SERVICES_DIR, "mariadb.sock")}`, `--pid-file=${join(SERVICES_DIR, "mariadb.server.pid")}`, "--user=root",
    // Aurora MySQL 3's defaults, so a query that works here works there.
    "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
    "--sql-mode=ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
    "--default-time-zone=+00:00", "--max-connections=500",
    // A test database, not a durable one: skip fsync on commit.
    "--innodb-flush-log-at-trx-commit=2", "--innodb-buffer-pool-size=512M",
    ...(existsSync(join(MARIADB_ROOT, "usr", "share", "mariadb")) ? [`--lc-messages-dir=${join(MARIADB_ROOT, "usr", "share", "mariadb")}`] : []),
  ];
  await startDaemon("mariadb", mariadbd, args, env, owner, port, log);
}

function installMariaDb(log: (line: string) => void): { mariadbd: string; installDb: string; libraryPath: string; basedir: string } {
  const local = {
    mariadbd: join(MARIADB_ROOT, "usr", "sbin", "mariadbd"),
    installDb: join(MARIADB_ROOT, "usr", "bin", "mariadb-install-db"),
    libraryPath: join(MARIADB_ROOT, "usr", "lib", "x86_64-linux-gnu"),
    basedir: join(MARIADB_ROOT, "usr"),
  };
  if (existsSync(local.mariadbd) && existsSync(local.installDb)) return local;
  const onPath = spawnSync("sh", ["-c", "command -v mariadbd && command -v mariadb-install-db"], { encoding: "utf8" });
  if (onPath.status === 0) {
    const [mariadbd, installDb] = onPath.stdout.trim().split("\n");
    return { mariadbd, installDb, libraryPath: "", basedir: "/usr" };
  }
  if (spawnSync("sh", ["-c", "command -v apt-get && command -v dpkg"], { stdio: "ignore" }).status !== 0) {
    throw new ToolError("No MariaDB server found and apt-get/dpkg are not available to fetch one. Install MariaDB 10.11+ so `mariadbd` is on PATH, or set MEDICARE_MYSQL_PORT to a running MySQL-compatible server with a passwordless root on 127.0.0.1.");
  }
  log(`Fetching MariaDB (${MARIADB_PACKAGES.join(", ")}) with apt-get download into ${MARIADB_ROOT} (first run only)...`);
  const debs = join(TOOLS_DIR, "debs");
  mkdirSync(debs, { recursive: true });
  const download = () => spawnSync("apt-get", ["download", ...MARIADB_PACKAGES], { cwd: debs, encoding: "utf8" });
  let result = download();
  if (result.status !== 0) {
    // Fresh machines have empty package lists.
    spawnSync("apt-get", ["update"], { stdio: "ignore" });
    result = download();
  }
  if (result.status !== 0) {
    throw new ToolError(`apt-get download ${MARIADB_PACKAGES.join(" ")} failed: ${result.stderr.slice(-1500)}. Check that the Debian mirror is reachable (apt-get update), then rerun.`);
  }
  const staging = `${MARIADB_ROOT}.partial`;
  rmSync(staging, { recursive: true, force: true });
  for (const deb of readdirSync(debs).filter((f) => f.endsWith(".deb"))) {
    const unpack = spawnSync("dpkg", ["-x", join(debs, deb), staging], { encoding: "utf8" });
    if (unpack.status !== 0) throw new ToolError(`dpkg -x ${deb} failed: ${unpack.stderr}`);
  }
  rmSync(MARIADB_ROOT, { recursive: true, force: true });
  spawnSync("mv", [staging, MARIADB_ROOT]);
  return local;
}

async function ensureMoto(owner: ServiceOwner, log: (line: string) => void): Promise<void> {
  const port = motoPort();
  if (await answers(port)) return;
  await startDaemon("moto", ensureMotoInstalled(log), ["-H", "127.0.0.1", "-p", String(port)], process.env, owner, port, log);
}

/** The pinned moto in the .tools/moto-venv virtualenv (installed on first use); returns moto_server's path. */
export function ensureMotoInstalled(log: (line: string) => void): string {
  const motoServer = join(MOTO_VENV, "bin", "moto_server");
  const stamp = join(MOTO_VENV, "moto.version");
  if (!existsSync(motoServer) || !existsSync(stamp) || readFileSync(stamp, "utf8").trim() !== MOTO_VERSION) {
    log(`Installing moto[server]==${MOTO_VERSION} into ${MOTO_VENV} (first run only)...`);
    rmSync(MOTO_VENV, { recursive: true, force: true });
    const venv = spawnSync("python3", ["-m", "venv", MOTO_VENV], { encoding: "utf8" });
    if (venv.status !== 0) throw new ToolError(`python3 -m venv failed: ${venv.stderr}. Install Python 3.9+ with the venv module.`);
    const pip = spawnSync(join(MOTO_VENV, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", `moto[server]==${MOTO_VERSION}`], { encoding: "utf8" });
    if (pip.status !== 0) throw new ToolError(`pip install moto[server]==${MOTO_VERSION} failed: ${pip.stderr.slice(-1500)}. Check that PyPI is reachable, then rerun.`);
    writeFileSync(stamp, `${MOTO_VERSION}\n`);
  }
  return motoServer;
}

const START_TIMEOUT_MS = 180_000;

async function startDaemon(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, owner: ServiceOwner, port: number, log: (line: string) => void): Promise<void> {
  mkdirSync(SERVICES_DIR, { recursive: true });
  const logFile = join(SERVICES_DIR, `${name}.log`);
  const out = openSync(logFile, "a");
  const child = spawn(command, args, { env, detached: true, stdio: ["ignore", out, out] });
  closeSync(out);
  child.unref();
  const pidFile = join(SERVICES_DIR, `${name}.pid`);
  const previousPid = existsSync(pidFile) ? readFileSync(pidFile, "utf8") : undefined;
  writeFileSync(pidFile, `${child.pid} ${owner}\n`);
  log(`Started ${name} on 127.0.0.1:${port} (pid ${child.pid}, log ${logFile}).`);
  // Generous: a first start on a busy 2-core machine (Python importing moto) has taken over 60 s.
  // A child that exits (say, port taken) gets a few seconds' grace, in case it lost a race with
  // a slower start of the same server that is about to answer.
  let deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await answers(port)) return;
    if (child.exitCode !== null) deadline = Math.min(deadline, Date.now() + 5_000);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (child.exitCode === null) throw new ToolError(`${name} did not start listening on 127.0.0.1:${port} within ${START_TIMEOUT_MS / 1000} s; see ${logFile}.`);
  // A start that never ran must not take over the record of a server that does.
  if (previousPid === undefined) rmSync(pidFile, { force: true });
  else writeFileSync(pidFile, previousPid);
  throw new ToolError(`${name} exited with code ${child.exitCode} before listening on 127.0.0.1:${port}; see ${logFile}.`);
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.setTimeout(1000);
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => { socket.destroy(); resolve(false); });
  });
}

/** A cross-process lock (mkdir is atomic), so parallel Jest workers start each service once. */
async function withLock<T>(name: string, body: () => Promise<T>): Promise<T> {
  mkdirSync(SERVICES_DIR, { recursive: true });
  const lock = join(SERVICES_DIR, `${name}.lock`);
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the slowest first install is left over from a killed process.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // Removed by its owner meanwhile.
      }
      if (Date.now() > deadline) throw new ToolError(`Timed out waiting for ${lock}; remove it if no other test run is starting services.`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

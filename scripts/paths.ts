import { join, resolve } from "path";

/** The project root (scripts/ is one level below it). */
export const ROOT = resolve(__dirname, "..");
/** Ignored folder that caches installed tools and build state. */
export const TOOLS_DIR = join(ROOT, ".tools");
export const POLICY_DIR = join(ROOT, "policies");
export const POLICY_DATA_DIR = join(POLICY_DIR, "data");
export const EXCEPTIONS_FILE = join(POLICY_DIR, "exceptions.json");
export const SYNTH_OUTDIR = join(ROOT, "cdktf.out");

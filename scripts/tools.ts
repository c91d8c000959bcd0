/** npm run tools: installs the pinned tools the tests need into .tools/ (idempotent). */
import { ensureConftest, ToolError } from "./lib/tools";

try {
  const conftest = ensureConftest();
  process.stdout.write(`conftest: ${conftest}\n`);
} catch (error) {
  if (!(error instanceof ToolError)) throw error;
  process.stderr.write(`tools: ${error.message}\n`);
  process.exitCode = 2;
}

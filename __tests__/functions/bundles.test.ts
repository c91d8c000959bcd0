/**
 * Every function under functions/ bundles within the size limit and, loaded in a fresh Node
 * process with its configuration set, exports a `handler` function. (Load times are the
 * bench's business, not a test's.)
 */
import { MAX_BUNDLE_BYTES } from "../../modules/compute/bundle";
import { bundledJavaScript, functionEntries, loadBundle } from "../../scripts/review/lib/function-bundles";

const entries = functionEntries();

test("the campaign engine's functions are all found", () => {
  expect(entries).toEqual(expect.arrayContaining(["db-migrate/handler.ts", "rotate-mysql-credentials/handler.ts"]));
});

describe.each(entries)("%s", (entry) => {
  const js = bundledJavaScript(entry);

  test(`is at most ${MAX_BUNDLE_BYTES} bytes minified`, () => {
    expect(js.length).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
  });

  test("loads in a fresh process and exports a handler function", () => {
    const [load] = loadBundle(js, 1, {});
    expect(load.error).toBeUndefined();
    expect(load.handlerType).toBe("function");
  });
});

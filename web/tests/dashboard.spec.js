// The dashboard as a new user meets it: start at /, click, never type a URL. Screenshots
// of every view go to docs/screenshots/. Any request that leaves the machine fails a test.
const { test, expect } = require("@playwright/test");
const { spawn, execFileSync } = require("node:child_process");
const path = require("node:path");
const fs = require("node:fs");
const os = require("node:os");

const root = path.resolve(__dirname, "../..");
const bin = process.env.DERISK_BIN ?? path.join(root, "target/debug/derisk");
const shots = path.join(root, "docs/screenshots");
let server, base, tmp;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "derisk-web-"));
  server = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--db", path.join(tmp, "db.sqlite"), "--token", "t"],
    { stdio: ["ignore", "pipe", "inherit"] });
  base = await new Promise((resolve, reject) => {
    let buf = "";
    server.stdout.on("data", (d) => {
      buf += d;
      const m = buf.match(/listening on (http:\/\/[^\s]+)/);
      if (m) resolve(m[1]);
    });
    server.on("exit", (code) => reject(new Error(`derisk serve exited with ${code}`)));
    setTimeout(() => reject(new Error("derisk serve did not start in 60 s")), 60_000);
  });
});

test.afterAll(() => {
  server?.kill();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Abort and record every request that is not to the local server (or a file). */
async function offline(page, allowed) {
  const outside = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    outside.push(url);
    return route.abort();
  });
  return outside;
}

const local = (url) => url.startsWith(base) || url.startsWith("data:");

test("a new user sees India's dependence, runs the gallium 2023 scenario and sees who runs short", async ({ page }) => {
  const outside = await offline(page, local);
  await page.goto(base + "/");
  await expect(page.getByRole("heading", { name: /Country: briefing/ })).toBeVisible();
  await page.getByLabel(/Country or group/).fill("IND");
  await page.getByRole("button", { name: "Show briefing" }).click();
  await expect(page.getByRole("heading", { name: /Dependence of India by mineral/ })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("img", { name: /Dependence heatmap: India/ })).toBeVisible();
  await expect(page.getByRole("table", { name: /Concentration and dependence per mineral/ })).toContainText("Gallium");
  await page.screenshot({ path: path.join(shots, "country.png"), fullPage: true });

  await page.getByRole("link", { name: "Scenarios" }).click();
  await page.getByRole("combobox", { name: "Library scenario" }).selectOption("gallium-2023");
  await page.getByRole("button", { name: "Open scenario" }).click();
  await expect(page.getByLabel(/Scenario \(TOML/)).toHaveValue(/gallium/);
  await page.getByRole("button", { name: "Run scenario" }).click();
  await expect(page.getByRole("heading", { name: "Who runs short", exact: true })).toBeVisible({ timeout: 60_000 });
  const short = page.getByRole("table", { name: /Shortfall by importer/ });
  await expect(short.locator("tbody tr").first()).toBeVisible();
  expect(await short.locator("tbody tr").count()).toBeGreaterThan(0);
  await expect(page.getByRole("img", { name: /world supply lost/ })).toBeVisible();
  await page.screenshot({ path: path.join(shots, "scenario.png"), fullPage: true });
  expect(outside).toEqual([]);
});

test("the mineral view maps mining and refining and draws the HHI trend", async ({ page }) => {
  const outside = await offline(page, local);
  await page.goto(base + "/");
  await page.getByRole("link", { name: "Mineral" }).click();
  await page.getByRole("combobox", { name: "Mineral", exact: true }).selectOption("cobalt");
  await page.getByRole("button", { name: "Show mineral" }).click();
  await expect(page.getByRole("img", { name: /Cobalt mining .*share of world output/ })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("img", { name: /Herfindahl-Hirschman index by year/ })).toBeVisible();
  // The map has real country shapes: one path per country.
  expect(await page.locator("svg path[d]").count()).toBeGreaterThan(150);
  await page.screenshot({ path: path.join(shots, "mineral.png"), fullPage: true });
  expect(outside).toEqual([]);
});

test("the network view draws mine → importer ← supplier flows and chokepoints", async ({ page }) => {
  const outside = await offline(page, local);
  await page.goto(base + "/");
  await page.getByRole("link", { name: "Network" }).click();
  await page.getByRole("combobox", { name: "Mineral", exact: true }).selectOption("cobalt");
  await page.getByRole("button", { name: "Show flows" }).click();
  await expect(page.getByRole("img", { name: /Cobalt flows of the/ })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("table", { name: /chokepoints/ })).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: path.join(shots, "network.png"), fullPage: true });
  expect(outside).toEqual([]);
});

test("the coalition builder pools a partnership's shares and ranks partners", async ({ page }) => {
  const outside = await offline(page, local);
  await page.goto(base + "/");
  await page.getByRole("link", { name: "Coalitions" }).click();
  await expect(page.getByRole("combobox", { name: "Group", exact: true })).toHaveValue("msp");
  await page.getByRole("button", { name: "Build coalition" }).click();
  await expect(page.getByRole("table", { name: /pooled share/ })).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: path.join(shots, "coalition.png"), fullPage: true });
  expect(outside).toEqual([]);
});

test("the optimiser answers with the mix before and after", async ({ page }) => {
  const outside = await offline(page, local);
  await page.goto(base + "/");
  await page.getByRole("link", { name: "Optimiser" }).click();
  await page.getByRole("combobox", { name: "Mineral", exact: true }).selectOption("lithium");
  await page.getByRole("button", { name: "Optimise" }).click();
  const said = page.locator("section[data-view=optimise]").getByRole("status");
  await expect(said).toHaveText(/^Optimised\./, { timeout: 60_000 });
  await expect(page.locator("section[data-view=optimise]").getByText("Before and after")).toBeVisible();
  await page.screenshot({ path: path.join(shots, "optimiser.png"), fullPage: true });
  expect(outside).toEqual([]);
});

test("every view is reachable from the keyboard", async ({ page }) => {
  await page.goto(base + "/");
  const names = ["Country", "Mineral", "Network", "Scenarios", "Coalitions", "Optimiser"];
  for (const n of names) {
    const link = page.getByRole("link", { name: n, exact: true });
    await link.focus();
    await page.keyboard.press("Enter");
    await expect(link).toHaveAttribute("aria-current", "page");
  }
});

test("derisk report IND is self-contained: charts render and no request leaves the page", async ({ page }) => {
  const out = path.join(tmp, "india.html");
  const said = execFileSync(bin, ["report", "IND", "--out", out], { encoding: "utf8" });
  expect(said).toContain("india.html");
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  const outside = await offline(page, (url) => url.startsWith("file:") || url.startsWith("data:"));
  await page.goto("file://" + out);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("India");
  const charts = page.locator("svg.chart");
  expect(await charts.count()).toBeGreaterThanOrEqual(2);
  for (const c of await charts.all()) {
    const box = await c.boundingBox();
    expect(box.width).toBeGreaterThan(100);
    expect(box.height).toBeGreaterThan(50);
    expect(await c.locator("rect").count()).toBeGreaterThan(5);
  }
  await expect(page.getByRole("heading", { name: "Sources and attribution" })).toBeVisible();
  await page.screenshot({ path: path.join(shots, "report.png"), fullPage: true });
  expect(outside).toEqual([]);
  expect(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);
});

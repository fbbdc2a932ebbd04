// Mineral view: who mines and who refines (world maps of shares), and how concentrated each
// stage has been over the years (HHI against the thresholds the API reports).
import { api, el, field, status, table, pct, num, sources } from "../util.js";
import { choropleth, lineChart } from "../charts.js";

export function mineralView(root) {
  const mineral = el("select", { id: "mineral-select" });
  const stat = el("p", { class: "status", role: "status" });
  const out = el("div", { "aria-live": "polite" });
  const form = el("form", { class: "controls", "aria-label": "Mineral" },
    field("Mineral", mineral), el("button", { type: "submit" }, "Show mineral"));
  root.append(el("h2", { id: "mineral-h", tabindex: "-1" }, "Mineral: who mines, who refines, how concentrated"),
    form, stat, out);
  let minerals = [];
  api("/v1/minerals").then((m) => {
    minerals = m.minerals;
    for (const x of minerals) mineral.append(el("option", { value: x.id }, x.name));
  }).catch((e) => status(stat, e.message, true));
  form.addEventListener("submit", (e) => { e.preventDefault(); run(); });

  async function run() {
    const m = minerals.find((x) => x.id === mineral.value);
    if (!m) return;
    status(stat, `Loading ${m.name}…`);
    out.replaceChildren();
    try {
      const stages = m.stages;
      const prods = await Promise.all(stages.map((s) =>
        api("/v1/production", { mineral: m.id, stage: s }).catch((e) => ({ error: e.message, stage: s }))));
      const maps = el("div", { class: "grid2" });
      out.append(el("h3", {}, `${m.name}: shares of world output by country`), maps);
      for (const p of prods) {
        // A stage without production figures has nothing to map (the service says which
        // stages have figures); any other error is shown.
        if (p.error) {
          if (!/a stage with .* production figures/.test(p.error)) maps.append(el("p", { class: "note" }, `${p.stage}: ${p.error}`));
          continue;
        }
        const shares = {};
        for (const r of p.rows) if (r.share_of_world !== null && r.share_of_world !== undefined) shares[r.country] = r.share_of_world;
        maps.append(el("figure", {},
          choropleth({ shares, title: `${m.name} ${p.stage} ${p.year}: share of world output by country`,
            desc: `${p.rows.length} countries with figures in ${p.table ?? p.source}; grey countries have no figure in this table, which is not the same as zero.` }),
          el("figcaption", {}, `${p.stage[0].toUpperCase()}${p.stage.slice(1)}, ${p.year} (${p.source}; ${p.unit})`),
          el("details", {}, el("summary", {}, `${p.stage} shares as a table`),
            table(`${m.name} ${p.stage} ${p.year}`, ["Country", "Output", "Share of world", "Flag"],
              p.rows.map((r) => [r.name ?? r.country, `${num(r.value)} ${r.unit}`, pct(r.share_of_world), r.flag ?? ""]), [1, 2])),
          sources(p)));
      }
      const trends = await Promise.all(stages.map((s) =>
        api("/v1/concentration-trend", { mineral: m.id, stage: s }).catch((e) => ({ error: e.message, stage: s }))));
      const ok = trends.filter((t) => !t.error && t.trend?.points?.length);
      if (ok.length) {
        const th = ok[0].thresholds;
        const colors = ["#0b5394", "#b45309", "#4d7c0f", "#7c3aed", "#be123c", "#0f766e", "#a16207", "#475569"];
        // One line per stage and source: sources differ in coverage, so their HHIs are not
        // one series.
        const series = ok.flatMap((t) => {
          const by = new Map();
          for (const p of t.trend.points) {
            if (!by.has(p.source)) by.set(p.source, []);
            by.get(p.source).push([p.year, p.hhi]);
          }
          return [...by].map(([source, points]) => ({ name: `${t.trend.stage} (${source})`, points }));
        }).map((x, i) => ({ ...x, color: colors[i % colors.length] }));
        out.append(el("h3", {}, `${m.name}: concentration over time`),
          el("figure", {}, lineChart({
            series,
            rules: [{ y: th.highly_concentrated_above, label: "highly conc." }, { y: th.moderately_concentrated_from, label: "moderately" }],
            title: `${m.name}: Herfindahl-Hirschman index by year and stage`,
            desc: `HHI of world production shares (0–10,000) per year; dashed lines are the ${th.citation} thresholds.`,
            yLabel: "HHI" }),
          el("figcaption", {}, `Thresholds: ${th.citation}`)),
          el("details", {}, el("summary", {}, "Concentration as a table"),
            table(`${m.name} HHI by year`, ["Stage", "Year", "HHI", "Top 1", "Top 3", "Band", "Source"],
              ok.flatMap((t) => t.trend.points.map((p) => [t.trend.stage, p.year, num(p.hhi), pct(p.top1), pct(p.top3), p.band.replaceAll("_", " "), p.source])),
              [2, 3, 4])));
      }
      for (const t of trends.filter((t) => t.error && !/a stage with .* production figures/.test(t.error))) {
        out.append(el("p", { class: "note" }, `${t.stage} trend: ${t.error}`));
      }
      status(stat, `${m.name} loaded.`);
    } catch (err) {
      status(stat, err.message, true);
    }
  }
}

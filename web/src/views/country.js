// Country view: the briefing of a country or group, and a heatmap of its dependence
// (mineral × supplier), direct or traced back to the mines (look-through).
import { api, el, field, select, status, table, pct, num, sources } from "../util.js";
import { heatmap, countryList } from "../charts.js";

export function countryView(root) {
  const target = el("input", { id: "country-target", value: "IND", list: "country-list", size: 16,
    "aria-describedby": "country-hint" });
  const list = el("datalist", { id: "country-list" },
    countryList().map(([a3, name]) => el("option", { value: a3 }, name)));
  const basis = select("country-basis", [["direct", "Direct suppliers"], ["origin", "Mine origin (look-through)"]], "direct");
  const stat = el("p", { class: "status", role: "status" });
  const out = el("div", { "aria-live": "polite" });
  const form = el("form", { class: "controls", "aria-label": "Country" },
    field("Country or group (ISO3, name or group id)", target), list,
    field("Dependence shown as", basis),
    el("button", { type: "submit" }, "Show briefing"));
  root.append(el("h2", { id: "country-h", tabindex: "-1" }, "Country: briefing and dependence"),
    el("p", { id: "country-hint", class: "note" },
      "Type a country (IND, India) or a group (quad, eu27, msp) and press Show briefing. Groups are listed in the Coalitions view."),
    form, stat, out);
  api("/v1/groups").then((g) => {
    for (const x of g.groups) list.append(el("option", { value: x.id }, x.name));
  }).catch(() => {});
  form.addEventListener("submit", (e) => { e.preventDefault(); run(); });
  basis.addEventListener("change", () => run());

  async function run() {
    status(stat, "Loading the briefing…");
    out.replaceChildren();
    try {
      const b = await api("/v1/brief", { target: target.value.trim() });
      const br = b.brief;
      out.append(el("h3", {}, `${b.target.name}: ${br.minerals.length} minerals, trade year ${br.trade_year}`));
      if (br.risks.length) {
        out.append(table("Largest risks (ranked by the briefing)", ["Mineral", "Driver", "Producer", "Share", "Stage"],
          br.risks.map((r) => [r.fact?.mineral_name ?? r.mineral, r.driver.replaceAll("_", " "),
            r.fact?.producer ?? "—", pct(r.fact?.share), r.fact?.stage ?? "—"]), [3]));
      }
      out.append(table("Concentration and dependence per mineral",
        ["Mineral", "Mining: top producer", "Mining HHI", "Refining: top producer", "Refining HHI", "Largest supplier", "Its share", "Import HHI"],
        br.minerals.map((m) => [m.name,
          top(m.mining), num(m.mining?.hhi), top(m.refining), num(m.refining?.hhi),
          m.dependence?.suppliers?.[0]?.country ?? "—", pct(m.dependence?.suppliers?.[0]?.share),
          num(m.dependence?.import_hhi)]), [2, 4, 6, 7]));
      status(stat, "Loading the dependence of each mineral…");
      const look = basis.value === "origin";
      const deps = await Promise.all(br.minerals.map((m) =>
        api("/v1/dependence", { importer: b.target.label, mineral: m.mineral, look_through: look })
          .then((d) => [m, d]).catch((err) => [m, null, err])));
      drawHeatmap(b, deps, look);
      out.append(sources(b));
      status(stat, `Briefing for ${b.target.name} loaded.`);
    } catch (err) {
      status(stat, err.message, true);
    }
  }

  function drawHeatmap(b, deps, look) {
    const rows = [], cells = {}, totals = {};
    for (const [m, d] of deps) {
      if (!d) continue;
      const list = look ? d.look_through?.imports?.origin ?? [] : d.suppliers;
      rows.push({ key: m.mineral, label: m.name });
      for (const s of list) {
        cells[`${m.mineral}|${s.country}`] = s.share;
        totals[s.country] = (totals[s.country] ?? 0) + s.share;
      }
      if (look && d.look_through) {
        cells[`${m.mineral}|unattributed`] = d.look_through.imports.unattributed_share;
      }
    }
    const cols = Object.keys(totals).sort((a, b2) => totals[b2] - totals[a]).slice(0, 16)
      .map((c) => ({ key: c, label: c }));
    if (look) cols.push({ key: "unattributed", label: "unattributed" });
    const value = (r, c) => cells[`${r}|${c}`] ?? null;
    const what = look ? "mine origin (look-through)" : "direct supplier";
    out.append(el("h3", { id: "heatmap-h" }, `Dependence of ${b.target.name} by mineral and ${what}`),
      el("p", { class: "note" }, look
        ? "Share of each mineral's imports (contained tonnes) traced back to the country that mined it; feed no data explains stays unattributed."
        : "Share of each mineral's imports (contained tonnes) by the country shipping it, latest trade year."),
      el("figure", {}, heatmap({ rows, cols, value,
        title: `Dependence heatmap: ${b.target.name}, share of imports by ${what}`,
        desc: `Rows are minerals, columns are the ${cols.length} largest ${what}s; the table below gives the same shares.` })),
      el("details", {}, el("summary", {}, "Heatmap as a table"),
        table(`Share of imports by ${what}`, ["Mineral", ...cols.map((c) => c.label)],
          rows.map((r) => [r.label, ...cols.map((c) => (value(r.key, c.key) === null ? "—" : pct(value(r.key, c.key))))]),
          cols.map((_, i) => i + 1))));
    const failed = deps.filter(([, d]) => !d);
    if (failed.length) {
      out.append(el("p", { class: "note" }, `No dependence for: ${failed.map(([m, , e]) => `${m.name} (${e.message})`).join("; ")}`));
    }
  }
}

function top(stage) {
  const t = stage?.top?.[0];
  return t ? `${t.country} ${pct(t.share)}` : "—";
}

// Scenario runner: open a library scenario (the real export controls replayed) or edit its
// TOML, run it, and see the shortfall month by month and who runs short.
import { api, el, field, status, table, pct, tonnes, sources } from "../util.js";
import { lineChart } from "../charts.js";

export function scenarioView(root) {
  const pick = el("select", { id: "scenario-pick" });
  const text = el("textarea", { id: "scenario-text", spellcheck: "false", "aria-describedby": "scenario-hint" });
  const name = el("input", { id: "scenario-name", value: "my-scenario", size: 24 });
  const stat = el("p", { class: "status", role: "status" });
  const out = el("div", { "aria-live": "polite" });
  const openForm = el("form", { class: "controls", "aria-label": "Open a scenario" },
    field("Library scenario", pick), el("button", { type: "submit" }, "Open scenario"));
  const runForm = el("form", { "aria-label": "Edit and run" },
    field("Scenario name", name),
    el("label", { for: "scenario-text" }, "Scenario (TOML: events, responses, horizon)"), text,
    el("p", { id: "scenario-hint", class: "note" }, "Edit the events (country, cut, start_month, duration_months) or the responses (headroom, stockpile_days), then run."),
    el("button", { type: "submit" }, "Run scenario"));
  root.append(el("h2", { id: "scenario-h", tabindex: "-1" }, "Scenarios: export controls and who runs short"),
    openForm, runForm, stat, out);
  api("/v1/shock-library").then((lib) => {
    for (const s of lib.scenarios) pick.append(el("option", { value: s.name }, `${s.title} (${s.name})`));
  }).catch((e) => status(stat, e.message, true));
  openForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const s = await api(`/v1/shock-library/${encodeURIComponent(pick.value)}`);
      text.value = s.text;
      name.value = s.name;
      status(stat, `Opened ${s.name}; edit it or run it.`);
      text.focus();
    } catch (err) { status(stat, err.message, true); }
  });
  runForm.addEventListener("submit", (e) => { e.preventDefault(); run(); });

  async function run() {
    status(stat, "Running the scenario…");
    out.replaceChildren();
    try {
      const r = await api("/v1/shock", { scenario: { name: name.value, text: text.value } });
      const sc = r.scenario, res = r.result;
      const months = res.months;
      out.append(el("h3", {}, `${sc.name}: ${tonnes(res.total_shortfall_t)} t of ${sc.mineral.name} short over ${sc.horizon_months} months`),
        el("p", { class: "note" }, sc.description ?? ""),
        el("figure", {}, lineChart({
          series: [
            { name: "lost", color: "#6b7280", points: months.map((m) => [m.month, m.lost_t]) },
            { name: "shortfall", color: "#9f1d1d", points: months.map((m) => [m.month, m.shortfall_t]) },
            { name: "rerouted", color: "#15803d", points: months.map((m) => [m.month, m.rerouted_t]) },
            { name: "stock drawn", color: "#0b5394", points: months.map((m) => [m.month, m.drawn_t]) },
          ],
          xIsMonth: true, yLabel: "t per month",
          title: `${sc.name}: world supply lost, rerouted, drawn from stocks and short, by month`,
          desc: `Tonnes of contained ${sc.mineral.name} per month over ${months.length} months from ${sc.start}; the table below gives the same numbers.` }),
          el("figcaption", {}, r.units?.tonnes ?? "")),
        el("details", {}, el("summary", {}, "Months as a table"),
          table("World balance by month (t)", ["Month", "Lost", "Rerouted", "Drawn", "Shortfall", "Price pressure"],
            months.map((m) => [m.month, tonnes(m.lost_t), tonnes(m.rerouted_t), tonnes(m.drawn_t), tonnes(m.shortfall_t), pct(m.price_pressure)]),
            [1, 2, 3, 4, 5])));
      const short = res.shortfall_by_importer.filter((x) => x[1] > 0);
      const top = short[0]?.[1] ?? 1;
      out.append(el("h3", { id: "who-runs-short" }, "Who runs short"),
        table("Shortfall by importer over the horizon (ranked by the API)", ["Importer", "Shortfall (t)", "Share of its demand", ""],
          short.slice(0, 20).map(([c, t, s]) => [c, tonnes(t), pct(s),
            el("span", { class: "bar", style: `width:${Math.max(1, (120 * t) / top)}px`, "aria-hidden": "true" })]), [1, 2]));
      if (r.assumptions?.length) {
        out.append(el("details", {}, el("summary", {}, "Assumptions"),
          el("ul", {}, r.assumptions.map((a) => el("li", {}, Object.entries(a).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join("; "))))));
      }
      out.append(sources(r));
      status(stat, "Scenario run.");
    } catch (err) {
      status(stat, err.message, true);
    }
  }
}

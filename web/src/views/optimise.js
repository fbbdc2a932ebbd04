// Optimiser: the import mix that minimises risk under a cap on any one supplier and a
// minimum share from a group, and the risk–cost frontier. Calls POST /v1/optimize; a
// server without that analysis answers 404, and the view says so.
import { api, el, field, select, status, table, pct, num } from "../util.js";
import { frontierChart } from "../charts.js";

export function optimiseView(root) {
  const importer = el("input", { id: "opt-importer", value: "IND", size: 10 });
  const mineral = el("select", { id: "opt-mineral" });
  const maxShare = el("input", { id: "opt-max-share", type: "number", min: "0.05", max: "1", step: "0.05", value: "0.4" });
  const group = select("opt-group", [["", "(none)"]], "");
  const minGroup = el("input", { id: "opt-min-group", type: "number", min: "0", max: "1", step: "0.05", value: "0.3" });
  const stat = el("p", { class: "status", role: "status" });
  const out = el("div", { "aria-live": "polite" });
  const form = el("form", { class: "controls", "aria-label": "Optimiser" },
    field("Importer", importer), field("Mineral", mineral),
    field("Largest share of one supplier (0–1)", maxShare),
    field("Group with a minimum share", group), field("Its minimum share (0–1)", minGroup),
    el("button", { type: "submit" }, "Optimise"));
  root.append(el("h2", { id: "optimise-h", tabindex: "-1" }, "Optimiser: a safer import mix and its cost"),
    el("p", { class: "note" }, "Finds the supplier shares that minimise concentration and governance risk at acceptable cost, under a cap on any one supplier and a minimum share from a partner group, and shows the frontier of risk against cost."),
    form, stat, out);
  api("/v1/minerals").then((m) => {
    for (const x of m.minerals) mineral.append(el("option", { value: x.id }, x.name));
  }).catch(() => {});
  api("/v1/groups").then((g) => {
    for (const x of g.groups) group.append(el("option", { value: x.id }, x.name));
  }).catch(() => {});
  form.addEventListener("submit", (e) => { e.preventDefault(); run(); });

  async function run() {
    status(stat, "Optimising…");
    out.replaceChildren();
    const body = { importer: importer.value.trim(), mineral: mineral.value, max_share: Number(maxShare.value), frontier: true };
    if (group.value) body.min_groups = [{ group: group.value, min_share: Number(minGroup.value) }];
    try {
      const r = await api("/v1/optimize", body);
      render(r);
      status(stat, "Optimised.");
    } catch (err) {
      if (err.status === 404 && /no analysis/.test(err.message)) {
        status(stat, "This server has no optimiser yet (POST /v1/optimize answered 404). The view will work once the server offers it.", true);
      } else {
        status(stat, err.message, true);
      }
    }
  }

  // The optimiser's answer: its status, the mix before and after, and the frontier.
  function render(r) {
    out.append(el("p", {}, `Status: ${String(r.status).replaceAll("_", " ")}`));
    if (r.conflict_words?.length) {
      out.append(el("p", { class: "error" }, `Constraints that cannot hold together: ${r.conflict_words.join("; ")}`));
    }
    const m = (x) => x ? [num(x.hhi, 0), num(x.weighted_hhi, 2), pct(x.expected_shortfall), x.unit_value == null ? "—" : num(x.unit_value, 1)] : ["—", "—", "—", "—"];
    out.append(table("Before and after", ["Mix", "HHI", "Weighted HHI", "Expected loss", "USD/kg"],
      [["Today", ...m(r.before)], ["Optimised", ...m(r.after)]], [1, 2, 3, 4]));
    const mix = (r.suppliers ?? []).filter((s) => (s.share ?? 0) > 0.0005 || s.current_share > 0.0005);
    if (mix.length) {
      out.append(table("Import mix", ["Supplier", "Current share", "Optimised share"],
        mix.map((s) => [s.country, pct(s.current_share), s.share == null ? "—" : pct(s.share)]), [1, 2]));
    }
    const pts = (r.frontier ?? [])
      .filter((p) => p.metrics && p.metrics.relative_cost != null && p.risk != null)
      .map((p) => [p.metrics.relative_cost, p.risk]);
    if (pts.length > 1) {
      out.append(el("h3", {}, "Frontier: risk against cost"),
        el("figure", {}, frontierChart({ points: pts, xLabel: "cost relative to today", yLabel: "risk",
          title: "Optimiser frontier: risk against cost", desc: `${pts.length} optimal mixes over λ; the table lists them.` })),
        table("Frontier points", ["Relative cost", "Risk"], pts.map((p) => [num(p[0], 3), num(p[1], 4)]), [0, 1]));
    }
    out.append(el("details", {}, el("summary", {}, "The full answer (JSON)"), el("pre", {}, JSON.stringify(r, null, 2))));
  }
}

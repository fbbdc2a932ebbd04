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
    const body = { importer: importer.value.trim(), mineral: mineral.value, max_share: Number(maxShare.value) };
    if (group.value) body.min_group = { group: group.value, share: Number(minGroup.value) };
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
    if (r.status) out.append(el("p", {}, `Status: ${String(r.status).replaceAll("_", " ")}`));
    if (r.infeasible ?? r.conflicts) {
      out.append(el("p", { class: "error" }, `Constraints that cannot hold together: ${JSON.stringify(r.infeasible ?? r.conflicts)}`));
    }
    const mix = r.mix ?? r.shares ?? r.solution?.shares ?? [];
    if (Array.isArray(mix) && mix.length) {
      out.append(table("Import mix", ["Supplier", "Current share", "Optimised share"],
        mix.map((s) => [s.country ?? s.supplier, pct(s.current ?? s.before ?? s.x0), pct(s.share ?? s.after ?? s.x)]), [1, 2]));
    }
    const f = r.frontier ?? [];
    if (Array.isArray(f) && f.length > 1) {
      const xs = (p) => p.cost ?? p.cost_usd ?? p.lambda;
      const ys = (p) => p.risk ?? p.objective;
      const pts = f.map((p) => [xs(p), ys(p)]).filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
      if (pts.length > 1) {
        out.append(el("h3", {}, "Frontier: risk against cost"),
          el("figure", {}, frontierChart({ points: pts, xLabel: "cost", yLabel: "risk",
            title: "Optimiser frontier: risk against cost", desc: `${pts.length} optimal mixes from cheapest to safest; the table lists them.` })),
          table("Frontier points", ["Cost", "Risk"], pts.map((p) => [num(p[0], 3), num(p[1], 3)]), [0, 1]));
      }
    }
    out.append(el("details", {}, el("summary", {}, "The full answer (JSON)"), el("pre", {}, JSON.stringify(r, null, 2))));
  }
}

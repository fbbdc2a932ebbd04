// Network view: where the largest importers' material comes from — their direct suppliers
// (refiners and traders) and, traced through the refiners' feed, the mines — as a Sankey,
// and the chokepoints: whose loss would cut the most supply.
import { api, el, field, select, status, table, pct, tonnes, sources } from "../util.js";
import { sankeyChart } from "../charts.js";

export function networkView(root) {
  const mineral = el("select", { id: "network-mineral" });
  const count = select("network-count", [["4", "4"], ["6", "6"], ["8", "8"]], "6");
  const stat = el("p", { class: "status", role: "status" });
  const out = el("div", { "aria-live": "polite" });
  const form = el("form", { class: "controls", "aria-label": "Network" },
    field("Mineral", mineral), field("Largest importers shown", count),
    el("button", { type: "submit" }, "Show flows"));
  root.append(el("h2", { id: "network-h", tabindex: "-1" }, "Network: from mine to refiner to importer"),
    el("p", { class: "note" }, "For the largest importing countries of a mineral (ranked by the API), the Sankey joins each mine country to the importer through the refiners that fed it (look-through origin), and each direct supplier to the importer. The split of one refiner's feed by mine is not served on its own, so the two bands meet at the importer."),
    form, stat, out);
  api("/v1/minerals").then((m) => {
    for (const x of m.minerals) mineral.append(el("option", { value: x.id }, x.name));
  }).catch((e) => status(stat, e.message, true));
  form.addEventListener("submit", (e) => { e.preventDefault(); run(); });

  async function run() {
    status(stat, "Loading flows…");
    out.replaceChildren();
    try {
      const all = await api("/v1/all-importers", { mineral: mineral.value });
      const importers = all.rows.filter((r) => r.kind === "country").slice(0, Number(count.value));
      const deps = await Promise.all(importers.map((r) =>
        api("/v1/dependence", { importer: r.importer, mineral: mineral.value, look_through: true })));
      const nodes = [], links = [], index = {};
      const node = (key, name, column) => {
        if (index[key] === undefined) { index[key] = nodes.length; nodes.push({ name, column }); }
        return index[key];
      };
      const rows = [];
      for (const d of deps) {
        const imp = node(`i:${d.importer.label}`, d.importer.label, 1);
        const lt = d.look_through?.imports;
        for (const o of lt?.origin ?? []) {
          if (o.tonnes <= 0) continue;
          links.push({ source: node(`o:${o.country}`, `${o.country} mines`, 0), target: imp, value: o.tonnes });
          rows.push([`${o.country} mines`, d.importer.label, tonnes(o.tonnes), pct(o.share)]);
        }
        if (lt && lt.unattributed_t > 0) {
          links.push({ source: node("o:?", "unattributed", 0), target: imp, value: lt.unattributed_t });
          rows.push(["unattributed", d.importer.label, tonnes(lt.unattributed_t), pct(lt.unattributed_share)]);
        }
        for (const s of (lt?.direct ?? []).slice(0, 8)) {
          if (s.tonnes <= 0) continue;
          links.push({ source: imp, target: node(`s:${s.country}`, `via ${s.country}`, 2), value: s.tonnes });
          rows.push([`via ${s.country} (direct supplier)`, d.importer.label, tonnes(s.tonnes), pct(s.share)]);
        }
      }
      const name = all.mineral.name;
      out.append(el("h3", {}, `${name}, ${all.year}: mine origin → importer ← direct supplier`),
        el("figure", {}, sankeyChart({ nodes, links, columns: ["Mine origin", "Importer", "Direct supplier (top 8)"],
          title: `${name} flows of the ${importers.length} largest importers, tonnes contained`,
          desc: `Left: the countries whose mines the importers' ${name} came from, traced through refiners; right: the countries that shipped it to them. The table below lists every flow.` })),
        el("details", {}, el("summary", {}, "Flows as a table"),
          table(`${name} flows, tonnes contained`, ["From", "Importer", "Tonnes", "Share of importer's supply"], rows, [2, 3])));
      const cp = await api("/v1/chokepoints", { mineral: mineral.value });
      const nodesCp = cp.chokepoints?.world?.nodes ?? [];
      out.append(table(`${name} chokepoints (N-1): supply cut if one country stops, measured ${cp.chokepoints?.measured_at ?? ""}`,
        ["Country", "Stage", "Output (t)", "Cut (t)", "Share of world supply", "Most affected"],
        nodesCp.slice(0, 10).map((n) => [n.node.country, n.node.stage, tonnes(n.output_t), tonnes(n.cut_t), pct(n.cut_share),
          (n.affected ?? []).slice(0, 3).map((a) => `${a.importer} ${pct(a.cut_share)}`).join(", ")]), [2, 3, 4]));
      out.append(sources(all));
      status(stat, `${name} flows loaded.`);
    } catch (err) {
      status(stat, err.message, true);
    }
  }
}

// Coalition builder: a group (MSP, FORGE, Quad… or countries typed in) plus partners to
// add; its pooled share of mining and refining, its self-sufficiency, and which candidate
// adds the most, as ranked by the API, with the smallest addition that reaches a target.
import { api, el, field, select, status, table, pct, sources } from "../util.js";

/** An estimate as the API gives it: a number, a range, or unknown with its reason. */
export function est(e) {
  if (e === null || e === undefined) return "—";
  if (typeof e === "number") return pct(e);
  if (e.status && e.status !== "known" && e.low === undefined) return `unknown (${String(e.reason?.kind ?? e.reason ?? e.status).replaceAll("_", " ")})`;
  if (e.low !== undefined && e.high !== undefined) {
    return Math.abs(e.low - e.high) < 5e-4 ? pct(e.low) : `${pct(e.low)} – ${pct(e.high)}`;
  }
  if (e.value !== undefined) return pct(e.value);
  if (e.unknown !== undefined) return `unknown (${typeof e.unknown === "string" ? e.unknown : JSON.stringify(e.unknown)})`;
  return JSON.stringify(e);
}

export function coalitionView(root) {
  const group = el("select", { id: "coalition-group" });
  const add = el("input", { id: "coalition-add", value: "IND", size: 18, "aria-describedby": "coalition-hint" });
  const mineral = el("select", { id: "coalition-mineral" });
  const metric = select("coalition-metric", [["", "(no target)"], ["refining_share", "refining share"], ["mining_share", "mining share"],
    ["reserves_share", "reserves share"], ["mining_self_sufficiency", "mining self-sufficiency"], ["refining_self_sufficiency", "refining self-sufficiency"]], "refining_share");
  const atLeast = el("input", { id: "coalition-at-least", type: "number", min: "0.05", max: "1", step: "0.05", value: "0.6" });
  const stat = el("p", { class: "status", role: "status" });
  const out = el("div", { "aria-live": "polite" });
  const form = el("form", { class: "controls", "aria-label": "Coalition" },
    field("Group", group), field("Add countries (comma list)", add), field("Mineral", mineral),
    field("Target metric", metric), field("At least (fraction)", atLeast),
    el("button", { type: "submit" }, "Build coalition"));
  root.append(el("h2", { id: "coalition-h", tabindex: "-1" }, "Coalitions: what partners control together"),
    el("p", { id: "coalition-hint", class: "note" }, "Pick a partnership, add countries (ISO3 or names, comma separated), and set a target to find the smallest set of partners that reaches it."),
    form, stat, out);
  api("/v1/groups").then((g) => {
    for (const x of g.groups) group.append(el("option", { value: x.id, selected: x.id === "msp" }, x.name));
  }).catch((e) => status(stat, e.message, true));
  api("/v1/minerals").then((m) => {
    for (const x of m.minerals) mineral.append(el("option", { value: x.id, selected: x.id === "rare-earths" }, x.name));
  }).catch(() => {});
  form.addEventListener("submit", (e) => { e.preventDefault(); run(); });

  async function run() {
    status(stat, "Computing the coalition…");
    out.replaceChildren();
    const body = { group: group.value, mineral: mineral.value,
      add: add.value.split(",").map((s) => s.trim()).filter(Boolean) };
    if (metric.value) body.target = { metric: metric.value, at_least: Number(atLeast.value) };
    try {
      const r = await api("/v1/coalition", body);
      const c = r.coalition;
      out.append(el("h3", {}, `${c.name}${c.added.length ? " + " + c.added.join(", ") : ""}: ${c.members.length} members, ${r.year}`),
        el("p", { class: "note" }, `Members: ${c.members.join(", ")}`));
      for (const m of r.minerals) {
        const f = m.figures;
        out.append(table(`${m.mineral.name}: pooled share and self-sufficiency by stage`,
          ["Stage", "Pooled share of world", "Self-sufficiency", "Members without figures"],
          f.stages.map((s) => [s.stage, est(s.pooled?.share), est(s.self_sufficiency), (s.pooled?.unaccounted ?? []).join(", ") || "none"]), [1, 2]));
        if (f.candidates?.length) {
          out.append(table(`Candidates ranked by ${String(f.ranked_by).replaceAll("_", " ")} (the API's ranking)`,
            ["Country", "Gain", "Mining share gain", "Refining share gain"],
            f.candidates.map((k) => [k.country, pct(k.gain), pct(k.mining_share_gain), pct(k.refining_share_gain)]), [1, 2, 3]));
        }
        const s = f.search;
        if (s) {
          const steps = s.greedy ?? [];
          out.append(el("p", {}, s.reached_already
            ? `The coalition already reaches ${pct(s.target)} (it has ${pct(s.base)}).`
            : `From ${pct(s.base)} to ${pct(s.target)}: ${s.greedy_reached ? "reached" : "not reached"} by adding ${steps.map((x) => x.country ?? JSON.stringify(x)).join(", ") || "nobody"} (greedy search over ${s.candidates} candidates).`));
        }
      }
      out.append(sources(r));
      status(stat, "Coalition computed.");
    } catch (err) {
      status(stat, err.message, true);
    }
  }
}

// SVG charts (d3): each has a <title> and <desc> for screen readers, and each view puts a
// table with the same numbers beside it.
import { select, scaleBand, scaleLinear, scaleSequential, interpolateBlues, interpolateOrRd,
  axisBottom, axisLeft, line, geoNaturalEarth1, geoPath, max, extent } from "d3";
import { sankey, sankeyLinkHorizontal } from "d3-sankey";
import { feature } from "topojson-client";
import world from "world-atlas/countries-110m.json";
import isoCountries from "iso-countries";

let uid = 0;
function svgRoot(width, height, title, desc) {
  const id = `chart${++uid}`;
  const svg = select(document.createElementNS("http://www.w3.org/2000/svg", "svg"))
    .attr("viewBox", `0 0 ${width} ${height}`).attr("width", "100%")
    .attr("role", "img").attr("aria-labelledby", `${id}t ${id}d`);
  svg.append("title").attr("id", `${id}t`).text(title);
  svg.append("desc").attr("id", `${id}d`).text(desc);
  return svg;
}

/** Heatmap: rows × columns of shares (0–1); null cells are "no flow". */
export function heatmap({ rows, cols, value, title, desc }) {
  const cell = 34, left = 130, top = 90;
  const w = left + cols.length * cell + 10, h = top + rows.length * 24 + 10;
  const svg = svgRoot(w, h, title, desc);
  const x = scaleBand().domain(cols.map((c) => c.key)).range([left, left + cols.length * cell]);
  const y = scaleBand().domain(rows.map((r) => r.key)).range([top, top + rows.length * 24]);
  const color = scaleSequential(interpolateOrRd).domain([0, 1]);
  svg.append("g").selectAll("text").data(cols).join("text")
    .attr("transform", (c) => `translate(${x(c.key) + cell / 2},${top - 6}) rotate(-55)`)
    .text((c) => c.label);
  svg.append("g").selectAll("text").data(rows).join("text")
    .attr("x", left - 6).attr("y", (r) => y(r.key) + 16).attr("text-anchor", "end").text((r) => r.label);
  for (const r of rows) {
    for (const c of cols) {
      const v = value(r.key, c.key);
      const g = svg.append("g");
      g.append("rect").attr("x", x(c.key) + 1).attr("y", y(r.key) + 1)
        .attr("width", cell - 2).attr("height", 22)
        .attr("fill", v === null ? "#f4f5f7" : color(v)).attr("stroke", "#d0d4da");
      g.append("title").text(`${r.label} from ${c.label}: ${v === null ? "no recorded flow" : (v * 100).toFixed(1) + " %"}`);
      if (v !== null && v >= 0.05) {
        g.append("text").attr("x", x(c.key) + cell / 2).attr("y", y(r.key) + 16).attr("text-anchor", "middle")
          .style("fill", v > 0.55 ? "#fff" : "#1a1a1a").style("font-size", "10px").text(Math.round(v * 100));
      }
    }
  }
  return svg.node();
}

const countries = feature(world, world.objects.countries).features;
/** ISO alpha-3 of a Natural Earth feature (by its ISO numeric id). */
function alpha3(f) { return isoCountries[f.id]?.[0] ?? null; }

/** World choropleth of shares by ISO3; countries without a figure are hatched grey. */
export function choropleth({ shares, title, desc }) {
  const w = 720, h = 380;
  const svg = svgRoot(w, h, title, desc);
  const proj = geoNaturalEarth1().fitSize([w, h - 30], { type: "Sphere" });
  const path = geoPath(proj);
  const hi = Math.max(0.05, max(Object.values(shares)) ?? 0.05);
  const color = scaleSequential(interpolateBlues).domain([0, hi]);
  svg.append("path").attr("d", path({ type: "Sphere" })).attr("fill", "#eef3f8").attr("stroke", "#c8ccd2");
  svg.append("g").selectAll("path").data(countries).join("path")
    .attr("d", path)
    .attr("fill", (f) => (shares[alpha3(f)] === undefined ? "#d9d9d9" : color(shares[alpha3(f)])))
    .attr("stroke", "#fff").attr("stroke-width", 0.4)
    .append("title").text((f) => {
      const s = shares[alpha3(f)];
      return `${f.properties.name}: ${s === undefined ? "no figure in this table" : (s * 100).toFixed(1) + " %"}`;
    });
  const lg = svg.append("g").attr("transform", `translate(10,${h - 22})`);
  for (let i = 0; i < 5; i++) {
    lg.append("rect").attr("x", i * 40).attr("width", 40).attr("height", 10).attr("fill", color((hi * i) / 4));
    lg.append("text").attr("x", i * 40).attr("y", 21).text(`${Math.round((hi * i * 100) / 4)} %`);
  }
  lg.append("rect").attr("x", 230).attr("width", 14).attr("height", 10).attr("fill", "#d9d9d9");
  lg.append("text").attr("x", 248).attr("y", 9).text("no figure (not zero)");
  return svg.node();
}

/** Lines over x; `series` = [{name, points: [[x, y]], color}], optional horizontal rules. */
export function lineChart({ series, rules = [], title, desc, yLabel, xIsMonth = false }) {
  const w = 680, h = 300, m = { l: 64, r: 190, t: 14, b: 36 };
  const svg = svgRoot(w, h, title, desc);
  const all = series.flatMap((s) => s.points);
  const x = scaleLinear().domain(extent(all, (p) => p[0])).range([m.l, w - m.r]);
  const yMax = Math.max(max(all, (p) => p[1]) ?? 1, ...rules.map((r) => r.y)) * 1.05 || 1;
  const y = scaleLinear().domain([0, yMax]).nice().range([h - m.b, m.t]);
  svg.append("g").attr("class", "axis").attr("transform", `translate(0,${h - m.b})`)
    .call(axisBottom(x).ticks(8).tickFormat((d) => (xIsMonth ? `m${d}` : String(d))));
  svg.append("g").attr("class", "axis").attr("transform", `translate(${m.l},0)`).call(axisLeft(y).ticks(6));
  svg.append("text").attr("transform", `translate(14,${h / 2}) rotate(-90)`).attr("text-anchor", "middle").text(yLabel);
  for (const r of rules) {
    svg.append("line").attr("x1", m.l).attr("x2", w - m.r).attr("y1", y(r.y)).attr("y2", y(r.y))
      .attr("stroke", "#6b7280").attr("stroke-dasharray", "4 3");
    svg.append("text").attr("x", w - m.r + 4).attr("y", y(r.y) + 4).text(r.label);
  }
  series.forEach((s, i) => {
    svg.append("path").attr("fill", "none").attr("stroke", s.color).attr("stroke-width", 2.2)
      .attr("d", line()(s.points.map((p) => [x(p[0]), y(p[1])])));
    svg.append("g").selectAll("circle").data(s.points).join("circle")
      .attr("cx", (p) => x(p[0])).attr("cy", (p) => y(p[1])).attr("r", 2.5).attr("fill", s.color);
    svg.append("text").attr("x", w - m.r + 4).attr("y", m.t + 14 + i * 16).style("fill", s.color).text(s.name);
  });
  return svg.node();
}

/** Sankey: nodes [{name, column}], links [{source, target, value}] by node index. */
export function sankeyChart({ nodes, links, title, desc, columns }) {
  const w = 760, h = Math.max(320, nodes.length * 16);
  const svg = svgRoot(w, h + 24, title, desc);
  const layout = sankey().nodeWidth(12).nodePadding(6).extent([[130, 24], [w - 130, h]])
    .nodeAlign((n) => n.column);
  const g = layout({ nodes: nodes.map((n) => ({ ...n })), links: links.map((l) => ({ ...l })) });
  columns.forEach((c, i) => {
    svg.append("text").attr("x", 130 + (i * (w - 272)) / (columns.length - 1) + (i === columns.length - 1 ? 12 : 0))
      .attr("y", 12).attr("text-anchor", i === 0 ? "start" : i === columns.length - 1 ? "end" : "middle")
      .style("font-weight", "600").text(c);
  });
  const palette = ["#0b5394", "#b45309", "#15803d", "#7c3aed", "#be123c", "#0e7490", "#4d7c0f", "#a21caf"];
  svg.append("g").attr("fill", "none").selectAll("path").data(g.links).join("path")
    .attr("d", sankeyLinkHorizontal()).attr("stroke", (l) => palette[l.source.index % palette.length])
    .attr("stroke-opacity", 0.45).attr("stroke-width", (l) => Math.max(1, l.width))
    .append("title").text((l) => `${l.source.name} → ${l.target.name}: ${l.value.toFixed(1)} t`);
  svg.append("g").selectAll("rect").data(g.nodes).join("rect")
    .attr("x", (n) => n.x0).attr("y", (n) => n.y0).attr("width", (n) => n.x1 - n.x0)
    .attr("height", (n) => Math.max(1, n.y1 - n.y0)).attr("fill", "#374151")
    .append("title").text((n) => `${n.name}: ${n.value.toFixed(1)} t`);
  svg.append("g").selectAll("text").data(g.nodes).join("text")
    .attr("x", (n) => (n.x0 < w / 2 ? n.x0 - 4 : n.x1 + 4)).attr("y", (n) => (n.y0 + n.y1) / 2 + 4)
    .attr("text-anchor", (n) => (n.x0 < w / 2 ? "end" : "start")).text((n) => n.name);
  return svg.node();
}

/** Scatter with a connecting line (an efficient frontier). */
export function frontierChart({ points, xLabel, yLabel, title, desc }) {
  const w = 560, h = 300, m = { l: 64, r: 20, t: 14, b: 40 };
  const svg = svgRoot(w, h, title, desc);
  const x = scaleLinear().domain(extent(points, (p) => p[0])).nice().range([m.l, w - m.r]);
  const y = scaleLinear().domain(extent(points, (p) => p[1])).nice().range([h - m.b, m.t]);
  svg.append("g").attr("class", "axis").attr("transform", `translate(0,${h - m.b})`).call(axisBottom(x).ticks(6));
  svg.append("g").attr("class", "axis").attr("transform", `translate(${m.l},0)`).call(axisLeft(y).ticks(6));
  svg.append("text").attr("x", (m.l + w - m.r) / 2).attr("y", h - 4).attr("text-anchor", "middle").text(xLabel);
  svg.append("text").attr("transform", `translate(14,${h / 2}) rotate(-90)`).attr("text-anchor", "middle").text(yLabel);
  svg.append("path").attr("fill", "none").attr("stroke", "#0b5394").attr("stroke-width", 2)
    .attr("d", line()(points.map((p) => [x(p[0]), y(p[1])])));
  svg.append("g").selectAll("circle").data(points).join("circle")
    .attr("cx", (p) => x(p[0])).attr("cy", (p) => y(p[1])).attr("r", 3.5).attr("fill", "#0b5394");
  return svg.node();
}

export const countryName = (iso3) => {
  for (const [a3, name] of Object.values(isoCountries)) if (a3 === iso3) return name;
  return iso3;
};
export const countryList = () => Object.values(isoCountries).sort((a, b) => a[1].localeCompare(b[1]));

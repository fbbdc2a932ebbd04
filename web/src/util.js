// Small helpers shared by the views: the API client, element building, number formats.

/** POST (with a body) or GET the API; throws an Error with the API's message and status. */
export async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
  const res = await fetch(path, init);
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  if (!res.ok) {
    const e = new Error(json?.error?.message ?? `${res.status} ${res.statusText}`);
    e.status = res.status;
    throw e;
  }
  return json;
}

/** Build an element: el("p", {class: "x"}, "text", child…). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export const pct = (x) => (x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)} %`);
export const num = (x, d = 0) => (x === null || x === undefined ? "—" :
  x.toLocaleString("en-GB", { maximumFractionDigits: d, minimumFractionDigits: d }));
export const tonnes = (x) => (x === null || x === undefined ? "—" : x >= 100 ? num(x) : num(x, x >= 1 ? 1 : 3));

/** A table from headers and rows; `numeric` marks right-aligned columns by index. */
export function table(caption, headers, rows, numeric = []) {
  return el("table", {},
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, headers.map((h, i) => el("th", { scope: "col", class: numeric.includes(i) ? "num" : null }, h)))),
    el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c, i) => el("td", { class: numeric.includes(i) ? "num" : null }, c))))));
}

/** A labelled control inside a form. */
export function field(label, control) {
  return el("label", {}, label, control);
}

export function select(id, options, value) {
  const s = el("select", { id });
  for (const [v, text] of options) s.append(el("option", { value: v, selected: v === value }, text));
  return s;
}

/** The status line of a view: busy, done or an error. */
export function status(node, text, isError = false) {
  node.textContent = text;
  node.className = isError ? "status error" : "status";
}

/** The attribution lines of a response, as a small list. */
export function sources(resp) {
  const a = resp?.attribution ?? [];
  if (!a.length) return null;
  return el("details", { class: "sources" }, el("summary", {}, "Sources and licences"),
    el("ul", {}, a.map((s) => el("li", {}, `${s.attribution} — ${s.licence}`))));
}

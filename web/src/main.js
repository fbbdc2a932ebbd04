// The dashboard: six views over the derisk API. Navigation is in-page (links in the header
// switch views); each view renders what the API answers and decides nothing itself.
import { el } from "./util.js";
import { countryView } from "./views/country.js";
import { mineralView } from "./views/mineral.js";
import { networkView } from "./views/network.js";
import { scenarioView } from "./views/scenario.js";
import { coalitionView } from "./views/coalition.js";
import { optimiseView } from "./views/optimise.js";

const views = {
  country: countryView,
  mineral: mineralView,
  network: networkView,
  scenario: scenarioView,
  coalition: coalitionView,
  optimise: optimiseView,
};
const built = {};
const main = document.getElementById("main");

function show(name, focus) {
  if (!views[name]) name = "country";
  for (const a of document.querySelectorAll("nav a")) {
    if (a.dataset.view === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  for (const s of main.children) s.hidden = s.dataset.view !== name;
  if (!built[name]) {
    const section = el("section", { "data-view": name, "aria-labelledby": `${name}-h` });
    main.append(section);
    built[name] = section;
    views[name](section);
  }
  built[name].hidden = false;
  if (focus) built[name].querySelector("h2")?.focus();
}

window.addEventListener("hashchange", () => show(location.hash.slice(1), true));
show(location.hash.slice(1), false);

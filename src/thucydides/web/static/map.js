/* Map: the packaged world outline (equirectangular: x = longitude, y = -latitude) with one dot per
   place where matching events happened, and the countries with events shaded. */
"use strict";

(() => {
  const form = document.getElementById("map-form");
  const box = document.getElementById("map");
  const summary = document.getElementById("map-summary");
  const tbody = document.querySelector("#places-table tbody");
  let world = null;

  async function loadWorld() {
    const response = await fetch(box.dataset.world);
    if (!response.ok) throw new Error("the world map could not be loaded");
    const doc = new DOMParser().parseFromString(await response.text(), "image/svg+xml");
    world = document.importNode(doc.documentElement, true);
    world.setAttribute("role", "img");
    world.setAttribute("aria-label", "world map of event locations");
    world.append(T.svg("g", { class: "dots" }));
    box.replaceChildren(world);
  }

  function dashboardLink(loc) {
    const params = new URLSearchParams([...T.formParams(form)]);
    params.set("place", loc.name);
    if (loc.country) params.set("country", loc.country);
    return "/?" + params.toString();
  }

  async function draw() {
    const params = T.formParams(form);
    history.replaceState(null, "", params.toString() ? "?" + params.toString() : location.pathname);
    summary.textContent = "Loading places…";
    try {
      if (!world) await loadWorld();
      const body = await T.getJSON("/api/locations", params);
      T.showError("");
      const dots = world.querySelector("g.dots");
      const countries = new Set(body.locations.map((l) => l.location.country).filter(Boolean));
      world.querySelectorAll("path[data-iso3]").forEach((p) => p.classList.toggle("has-events", countries.has(p.dataset.iso3)));
      const biggest = Math.max(1, ...body.locations.map((l) => l.events));
      const total = body.locations.reduce((n, l) => n + l.events, 0);
      dots.replaceChildren(...body.locations.map((l) => {
        const loc = l.location;
        const r = 0.9 + 4.5 * Math.sqrt(l.events / biggest);
        const link = T.svg("a", { href: dashboardLink(loc) },
          T.svg("circle", { cx: loc.lon, cy: -loc.lat, r: r.toFixed(2), class: "dot " + loc.precision },
            T.svg("title", { text: `${loc.name}${loc.country ? " (" + loc.country + ")" : ""}: ${l.events} events` })));
        return link;
      }));
      tbody.replaceChildren(...body.locations.map((l) => T.el("tr", {},
        T.el("td", {}, T.el("a", { href: dashboardLink(l.location), text: l.location.name })),
        T.el("td", { text: l.location.country || "—" }),
        T.el("td", { text: l.location.precision }),
        T.el("td", { class: "num", text: String(l.events) }))));
      summary.textContent = body.locations.length
        ? `${total} events at ${body.locations.length} places in ${countries.size} countries.`
        : "No located events match these filters.";
    } catch (err) {
      summary.textContent = "";
      T.showError(err.message);
    }
  }

  form.addEventListener("submit", (e) => { e.preventDefault(); draw(); });
  form.addEventListener("reset", () => setTimeout(draw, 0));
  T.actorSuggestions(document.getElementById("actor-list"));
  T.fillForm(form, new URLSearchParams(location.search));
  draw();
})();

/* Dashboard: the dyad picker and chart, the event filters and the paged events table.
   The URL keeps the state (?a=RUS&b=KAZ&actor=...), so a view can be bookmarked or shared. */
"use strict";

(() => {
  const PAGE = 50;
  const dyadForm = document.getElementById("dyad-form");
  const filterForm = document.getElementById("filter-form");
  const chart = document.getElementById("chart");
  const tbody = document.querySelector("#events-table tbody");
  const summary = document.getElementById("events-summary");
  const dyadSummary = document.getElementById("dyad-summary");
  const prev = document.getElementById("prev");
  const next = document.getElementById("next");
  const QUADS = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };
  let offset = 0;
  let extra = new URLSearchParams(); // filters set from links that the form has no field for

  function remember() {
    const params = new URLSearchParams([...T.formParams(dyadForm), ...T.formParams(filterForm), ...extra]);
    if (offset) params.set("offset", String(offset));
    history.replaceState(null, "", params.toString() ? "?" + params.toString() : location.pathname);
  }

  function actorCell(actor) {
    if (!actor) return T.el("td", { class: "none", text: "—" });
    return T.el("td", {}, T.actorCode(actor.code), T.el("br"),
      T.el("span", { class: "small", text: actor.name || actor.text }));
  }

  function row(event) {
    const flags = [];
    if (event.negated) flags.push(T.el("span", { class: "flag", text: "negated" }));
    if (event.modality !== "asserted") flags.push(T.el("span", { class: "flag", text: event.modality }));
    const place = event.location
      ? T.el("td", {}, event.location.name, T.el("br"), T.el("span", { class: "small", text: [event.location.country, event.location.precision].filter(Boolean).join(" · ") }))
      : T.el("td", { class: "none", text: "—" });
    const link = T.el("a", { href: "/articles/" + encodeURIComponent(event.article_id), class: "article-link", text: "article ›" });
    return T.el("tr", { "data-event": event.event_id },
      T.el("td", { class: "date", text: event.date || "undated" }),
      actorCell(event.source),
      T.el("td", {}, T.el("span", { class: "code q" + event.quad_class, title: "QuadClass " + event.quad_class + ": " + QUADS[event.quad_class], text: event.cameo_code }),
        " ", event.cameo_name, T.el("br"),
        T.el("span", { class: "small", text: "Goldstein " + (event.goldstein > 0 ? "+" : "") + event.goldstein.toFixed(1) }), " ", ...flags),
      actorCell(event.target),
      T.el("td", { class: "evidence" }, T.evidence(event), " ", link),
      place);
  }

  async function loadEvents(start) {
    offset = start;
    const params = new URLSearchParams([...T.formParams(filterForm), ...extra]);
    params.set("limit", String(PAGE));
    params.set("offset", String(offset));
    remember();
    summary.textContent = "Loading events…";
    try {
      const page = await T.getJSON("/api/events", params);
      T.showError("");
      tbody.replaceChildren(...page.events.map(row));
      summary.textContent = page.total
        ? `Showing ${page.offset + 1}–${page.offset + page.events.length} of ${page.total} events`
        : "No events match these filters.";
      prev.disabled = page.offset === 0;
      next.disabled = page.offset + page.events.length >= page.total;
    } catch (err) {
      summary.textContent = "";
      T.showError(err.message);
    }
  }

  function setFilters(values) {
    filterForm.reset();
    extra = new URLSearchParams();
    T.fillForm(filterForm, new URLSearchParams(values));
  }

  async function showDyad(pushFilters) {
    const params = T.formParams(dyadForm);
    const a = params.get("a");
    const b = params.get("b");
    if (!a || !b) return;
    dyadSummary.textContent = "Loading the dyad…";
    try {
      const data = await T.getJSON("/api/dyad", params);
      T.showError("");
      const arrow = data.directed ? "→" : "↔";
      dyadSummary.textContent = `${T.actorLabel(data.a)} ${arrow} ${T.actorLabel(data.b)}: ${data.total} ${data.include_unasserted ? "" : "reported "}events in ${data.periods.length} ${data.freq}(s)` +
        (data.undated ? `; ${data.undated} undated` : "") + ". Click a bar to list its events.";
      DyadChart.draw(chart, data, (period) => {
        setFilters(dyadFilters(data, period));
        loadEvents(0);
      });
      if (pushFilters) {
        setFilters(dyadFilters(data, null));
        await loadEvents(0);
      }
    } catch (err) {
      dyadSummary.textContent = "";
      T.showError(err.message);
    }
  }

  function dyadFilters(data, period) {
    const values = data.directed ? { source: data.a, target: data.b } : { actor: data.a, partner: data.b };
    if (!data.include_unasserted) values.asserted_only = "true";
    if (period) Object.assign(values, { since: period.start, until: period.end });
    return values;
  }

  dyadForm.addEventListener("submit", (e) => { e.preventDefault(); showDyad(true); });
  filterForm.addEventListener("submit", (e) => { e.preventDefault(); extra = new URLSearchParams(); loadEvents(0); });
  filterForm.addEventListener("reset", () => { extra = new URLSearchParams(); setTimeout(() => loadEvents(0), 0); });
  prev.addEventListener("click", () => loadEvents(Math.max(0, offset - PAGE)));
  next.addEventListener("click", () => loadEvents(offset + PAGE));
  T.actorSuggestions(document.getElementById("actor-list"));

  // Start from the URL: fill both forms, keep filters the form cannot show (e.g. article_id).
  const initial = new URLSearchParams(location.search);
  T.fillForm(dyadForm, initial);
  T.fillForm(filterForm, initial);
  const known = new Set([...dyadForm.elements, ...filterForm.elements].map((f) => f.name).filter(Boolean));
  for (const [key, value] of initial) {
    if (!known.has(key) && key !== "offset" && key !== "limit") extra.set(key, value);
  }
  if (initial.get("a") && initial.get("b")) showDyad(false);
  loadEvents(Math.max(0, parseInt(initial.get("offset") || "0", 10) || 0));
})();

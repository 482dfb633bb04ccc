/* Shared helpers for the dashboard pages: DOM building, fetching JSON, marking evidence.
   Text from the database is only ever set with textContent, never parsed as HTML. */
"use strict";

const T = (() => {
  const SVG_NS = "http://www.w3.org/2000/svg";

  function build(node, attrs, children) {
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function el(tag, attrs, ...children) {
    return build(document.createElement(tag), attrs, children);
  }

  function svg(tag, attrs, ...children) {
    return build(document.createElementNS(SVG_NS, tag), attrs, children);
  }

  async function getJSON(path, params) {
    const query = params ? "?" + params.toString() : "";
    let response;
    try {
      response = await fetch(path + query, { headers: { Accept: "application/json" } });
    } catch (err) {
      throw new Error("the server cannot be reached: " + err.message);
    }
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      body = null;
    }
    if (!response.ok) {
      const message = body && body.error ? body.error : "request failed (" + response.status + ")";
      throw new Error(message);
    }
    return body;
  }

  function showError(message) {
    const box = document.getElementById("error");
    if (!box) return;
    box.textContent = message;
    box.hidden = !message;
  }

  /* Split text into runs at every span boundary; each run gets the classes of the spans over it. */
  function marked(text, spans) {
    const fragment = document.createDocumentFragment();
    const good = spans.filter((s) => s.start < s.end && s.end > 0 && s.start < text.length)
      .map((s) => ({ start: Math.max(0, s.start), end: Math.min(text.length, s.end), cls: s.cls, title: s.title }));
    const cuts = [...new Set([0, text.length, ...good.flatMap((s) => [s.start, s.end])])].sort((a, b) => a - b);
    for (let i = 0; i + 1 < cuts.length; i += 1) {
      const [start, end] = [cuts[i], cuts[i + 1]];
      const over = good.filter((s) => s.start <= start && end <= s.end);
      const piece = text.slice(start, end);
      if (!over.length) {
        fragment.append(document.createTextNode(piece));
      } else {
        fragment.append(el("mark", {
          class: over.map((s) => s.cls).join(" "),
          title: over.map((s) => s.title).filter(Boolean).join("; ") || null,
          text: piece,
        }));
      }
    }
    return fragment;
  }

  /* CAMEO's code for an actor the text does not name ("a roadside bombing killed ..."). */
  const UNIDENTIFIED = "---";

  /* An actor code as words: "unidentified (---)" for the unidentified actor, else the code. */
  function actorLabel(code) {
    return code === UNIDENTIFIED ? "unidentified (" + code + ")" : code;
  }

  /* An actor code to show in bold: the unidentified actor reads "unidentified", its code beside. */
  function actorCode(code) {
    if (code !== UNIDENTIFIED) return el("b", { text: code });
    return el("span", { class: "unidentified" },
      el("b", { title: "CAMEO actor code " + code + ": the text names no actor", text: "unidentified" }),
      " ", el("span", { class: "actor-code", text: code }));
  }

  /* The evidence sentence of an event with its trigger and actors marked. */
  function evidence(event) {
    const ev = event.evidence;
    const base = ev.sentence_start;
    const spans = [{ start: ev.start - base, end: ev.end - base, cls: "m-trigger", title: "trigger: " + event.cameo_code }];
    for (const side of ["source", "target"]) {
      const actor = event[side];
      if (actor && actor.end > actor.start) {
        spans.push({ start: actor.start - base, end: actor.end - base, cls: "m-" + side, title: side + ": " + actorLabel(actor.code) });
      }
    }
    return marked(ev.sentence, spans);
  }

  /* The non-empty fields of a form as URL parameters (unchecked boxes are left out). */
  function formParams(form) {
    const params = new URLSearchParams();
    for (const field of form.elements) {
      if (!field.name || field.disabled) continue;
      if (field.type === "checkbox") {
        if (field.checked) params.set(field.name, "true");
      } else if (field.value.trim() !== "") {
        params.set(field.name, field.value.trim());
      }
    }
    return params;
  }

  function fillForm(form, params) {
    for (const field of form.elements) {
      if (!field.name || !params.has(field.name)) continue;
      if (field.type === "checkbox") field.checked = params.get(field.name) === "true";
      else field.value = params.get(field.name);
    }
  }

  /* Suggest actor codes in a <datalist> as the user types in any input bound to it. */
  function actorSuggestions(datalist) {
    let timer = null;
    async function load(query) {
      const params = new URLSearchParams({ limit: "20" });
      if (query) params.set("q", query);
      try {
        const body = await getJSON("/api/actors", params);
        datalist.replaceChildren(...body.actors.map((a) =>
          el("option", { value: a.code, label: (a.name ? a.name + " · " : "") + a.total + " events" })));
      } catch (err) {
        /* suggestions are a convenience: a failure leaves the list as it was */
      }
    }
    document.querySelectorAll('input[list="' + datalist.id + '"]').forEach((input) => {
      input.addEventListener("input", () => {
        clearTimeout(timer);
        const value = input.value.trim();
        if (/^[A-Za-z0-9 .'-]{1,64}$/.test(value)) timer = setTimeout(() => load(value), 200);
      });
    });
    load("");
  }

  return { el, svg, getJSON, showError, actorLabel, actorCode, marked, evidence, formParams, fillForm, actorSuggestions };
})();

/* The dyad chart, drawn as inline SVG: cooperation (QuadClass 1, 2) above the line, conflict
   (3, 4) below it, one bar per period; under it the mean Goldstein score per period. */
"use strict";

const DyadChart = (() => {
  const COLOURS = {
    verbal_cooperation: "#74c476",
    material_cooperation: "#1a7f37",
    verbal_conflict: "#fc9272",
    material_conflict: "#c62828",
  };
  const LABELS = [
    ["verbal_cooperation", "1 verbal cooperation"],
    ["material_cooperation", "2 material cooperation"],
    ["verbal_conflict", "3 verbal conflict"],
    ["material_conflict", "4 material conflict"],
  ];

  function niceStep(max) {
    const rough = Math.max(max, 1) / 4;
    const power = 10 ** Math.floor(Math.log10(rough));
    const unit = [1, 2, 5, 10].find((m) => m * power >= rough) * power;
    return Math.max(1, unit);
  }

  function draw(container, data, onSelect) {
    const S = T.svg;
    const width = Math.max(container.clientWidth || 900, 480);
    const height = 360;
    const m = { left: 56, right: 20, top: 34, bottom: 56 };
    const barsH = 190;
    const gap = 18;
    const meanH = height - m.top - m.bottom - barsH - gap;
    const plotW = width - m.left - m.right;
    const periods = data.periods;
    const root = S("svg", { viewBox: `0 0 ${width} ${height}`, width, height, class: "dyad-chart" });

    // Legend.
    let lx = m.left;
    for (const [key, label] of LABELS) {
      root.append(S("rect", { x: lx, y: 8, width: 12, height: 12, fill: COLOURS[key] }));
      root.append(S("text", { x: lx + 16, y: 18, class: "legend", text: label }));
      lx += 24 + label.length * 6.6;
    }

    if (!periods.length) {
      root.append(S("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "empty", text: "No dated events for this dyad" }));
      container.replaceChildren(root);
      return;
    }

    const coop = periods.map((p) => p.verbal_cooperation + p.material_cooperation);
    const conf = periods.map((p) => p.verbal_conflict + p.material_conflict);
    const up = Math.max(1, ...coop);
    const down = Math.max(1, ...conf);
    const scale = barsH / (up + down) / 1.08;
    const zero = m.top + up * scale * 1.04;
    const slot = plotW / periods.length;
    const barW = Math.max(1, Math.min(60, slot * 0.8));
    const cx = (i) => m.left + slot * (i + 0.5);

    // Count axis with gridlines.
    const step = niceStep(Math.max(up, down));
    for (let v = -Math.floor(down / step) * step; v <= up; v += step) {
      const y = zero - v * scale;
      root.append(S("line", { x1: m.left, x2: width - m.right, y1: y, y2: y, class: v === 0 ? "zero" : "grid" }));
      root.append(S("text", { x: m.left - 6, y: y + 4, "text-anchor": "end", class: "tick", text: String(Math.abs(v)) }));
    }
    root.append(S("text", { x: 14, y: zero - 4, class: "axis-label", transform: `rotate(-90 14 ${zero - 4})`, "text-anchor": "middle", text: "events" }));
    root.append(S("text", { x: m.left + 4, y: m.top + 10, class: "axis-note", text: "cooperation ▲" }));
    root.append(S("text", { x: m.left + 4, y: m.top + barsH - 4, class: "axis-note", text: "conflict ▼" }));

    // Mean Goldstein panel: -10 .. +10.
    const meanTop = m.top + barsH + gap;
    const gy = (v) => meanTop + (10 - v) / 20 * meanH;
    for (const v of [-10, 0, 10]) {
      root.append(S("line", { x1: m.left, x2: width - m.right, y1: gy(v), y2: gy(v), class: v === 0 ? "zero" : "grid" }));
      root.append(S("text", { x: m.left - 6, y: gy(v) + 4, "text-anchor": "end", class: "tick", text: (v > 0 ? "+" : "") + v }));
    }
    root.append(S("text", { x: 14, y: meanTop + meanH / 2, class: "axis-label", transform: `rotate(-90 14 ${meanTop + meanH / 2})`, "text-anchor": "middle", text: "Goldstein" }));

    const points = [];
    periods.forEach((p, i) => {
      const g = S("g", { class: "period", tabindex: 0, "data-period": p.period, "data-start": p.start, "data-end": p.end });
      const mean = p.goldstein_mean === null ? "no events" : "mean Goldstein " + (p.goldstein_mean > 0 ? "+" : "") + p.goldstein_mean.toFixed(2);
      g.append(S("title", { text: `${p.period}: ${coop[i]} cooperative, ${conf[i]} conflictual events; ${mean}` }));
      g.append(S("rect", { x: cx(i) - slot / 2, y: m.top, width: slot, height: barsH, class: "hit" }));
      let top = zero;
      for (const key of ["material_cooperation", "verbal_cooperation"]) {
        const h = p[key] * scale;
        if (h > 0) g.append(S("rect", { x: cx(i) - barW / 2, y: top - h, width: barW, height: h, fill: COLOURS[key] }));
        top -= h;
      }
      let bottom = zero;
      for (const key of ["material_conflict", "verbal_conflict"]) {
        const h = p[key] * scale;
        if (h > 0) g.append(S("rect", { x: cx(i) - barW / 2, y: bottom, width: barW, height: h, fill: COLOURS[key] }));
        bottom += h;
      }
      if (periods.length <= 40 && coop[i]) g.append(S("text", { x: cx(i), y: top - 3, "text-anchor": "middle", class: "count", text: String(coop[i]) }));
      if (periods.length <= 40 && conf[i]) g.append(S("text", { x: cx(i), y: bottom + 12, "text-anchor": "middle", class: "count", text: String(conf[i]) }));
      if (onSelect) {
        g.addEventListener("click", () => onSelect(p));
        g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onSelect(p); } });
      }
      root.append(g);
      if (p.goldstein_mean !== null) points.push([cx(i), gy(p.goldstein_mean)]);
    });
    if (points.length > 1) {
      root.append(S("polyline", { points: points.map((q) => q.join(",")).join(" "), class: "mean-line" }));
    }
    for (const [x, y] of points) root.append(S("circle", { cx: x, cy: y, r: 3.5, class: "mean-dot" }));

    // Period labels, thinned to about 12.
    const every = Math.max(1, Math.ceil(periods.length / 12));
    periods.forEach((p, i) => {
      if (i % every) return;
      const y = height - m.bottom + 16;
      root.append(S("text", { x: cx(i), y, "text-anchor": "end", transform: `rotate(-30 ${cx(i)} ${y})`, class: "tick", text: p.period }));
    });
    container.replaceChildren(root);
  }

  return { draw };
})();

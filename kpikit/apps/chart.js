// kpikit Chart: draws a plotly figure sent by the kernel as JSON.
//
// plotly.js is loaded once per page and shared by every chart on it: from the URL the kernel
// gives (``kpikit serve`` serves plotly's cartesian bundle, and the full one for the rare figure
// that needs it, cacheable), or, where no server offers it (plain JupyterLab), sent once by the
// kernel over the widget's comm. Redraws use Plotly.react, so a control change sends only the
// figure.

// On a touch screen (no hover) plotly shows its toolbar all the time, over the chart's title;
// there the page's own Download PNG button, a pinch and a double tap (which resets the axes) do
// its work, so it is left out. With a mouse it shows on hover, as plotly's default.
const HOVERS = window.matchMedia ? window.matchMedia("(hover: hover)").matches : true;
const CONFIG = { displaylogo: false, responsive: true, displayModeBar: HOVERS ? "hover" : false };

function evaluate(code) {
  // plotly.min.js is a UMD bundle: give it a CommonJS module so it neither looks for an AMD
  // loader nor depends on the page's globals.
  const module = { exports: {} };
  new Function("module", "exports", "define", code)(module, module.exports, undefined);
  return module.exports;
}

function fromKernel(model, full) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (message.plotly_js) {
        model.off("msg:custom", onMessage);
        resolve(evaluate(message.plotly_js));
      }
    };
    model.on("msg:custom", onMessage);
    model.send({ event: "need_plotly", full });
  });
}

function fromScript(url) {
  // A <script> element, not fetch + eval: the browser compiles the bundle off the main thread
  // and keeps the compiled code with its cached copy. The kpikit Voila template adds the
  // element for the cartesian bundle to the page's head, so loading starts before any chart
  // asks for it.
  const href = new URL(url, document.baseURI).href;
  let script = [...document.querySelectorAll("script[data-kpikit-plotly]")].find(
    (element) => element.src === href,
  );
  if (!script) {
    script = document.createElement("script");
    script.src = href;
    script.async = true;
    script.dataset.kpikitPlotly = "loading";
    script.onload = () => (script.dataset.kpikitPlotly = "loaded");
    script.onerror = () => (script.dataset.kpikitPlotly = "failed");
    document.head.appendChild(script);
  }
  return new Promise((resolve, reject) => {
    const settle = () => {
      const state = script.dataset.kpikitPlotly;
      if (state === "loaded" && window.Plotly) {
        resolve(window.Plotly);
      } else if (state !== "loading") {
        reject(new Error(`${url}: plotly.js did not load`));
      }
    };
    script.addEventListener("load", settle);
    script.addEventListener("error", settle);
    settle();
  });
}

function plotly(model) {
  // One instance per bundle and page (the cartesian bundle, or the full one).
  const url = model.get("plotly_url");
  const full = model.get("full_plotly");
  const key = url || (full ? "kernel:full" : "kernel:cartesian");
  const instances = (window.__kpikitPlotly = window.__kpikitPlotly || {});
  if (!instances[key]) {
    instances[key] = url
      ? fromScript(url).catch(() => fromKernel(model, full))
      : fromKernel(model, full);
  }
  return instances[key];
}

function clickedPoints(event) {
  return event.points.map((point) => ({
    curve_number: point.curveNumber,
    point_number: point.pointNumber,
    x: point.x ?? null,
    y: point.y ?? null,
    z: point.z ?? null,
    customdata: point.customdata ?? null,
  }));
}

const NARROW_PX = 560;
const DEFAULT_HEIGHT = 450; // plotly's own default

const TITLE_PX = 13; // a narrow chart's title size
const TITLE_LINE_PX = 17;

function titleLines(text, width) {
  // A title's first line (before any <br>) broken at spaces to fit ``width`` pixels (plotly
  // does not wrap titles: a phone cut "... by agent · r = 0.61 (n = 60)" at its edge). A
  // title with markup in its first line is left as it is.
  const [first, ...rest] = text.split("<br>");
  if (first.includes("<")) return [text];
  const chars = Math.max(16, Math.floor((width - 16) / (0.56 * TITLE_PX)));
  const lines = [];
  let line = "";
  for (const word of first.split(" ")) {
    if (line && line.length + 1 + word.length > chars) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line, ...rest];
}

function narrow(layout, width) {
  // A phone-width chart: smaller text, thin side margins, the legend from the left edge, the
  // title wrapped to the width, the plot lowered by the lines it gained.
  const font = layout.font || {};
  const title = typeof layout.title === "string" ? { text: layout.title } : layout.title || {};
  const margin = layout.margin || {};
  const before = (title.text || "").split("<br>").length;
  const lines = title.text ? titleLines(title.text, width) : [];
  const added = Math.max(0, lines.length - before) * TITLE_LINE_PX;
  return {
    ...layout,
    font: { ...font, size: 11 },
    title: {
      ...title,
      ...(title.text ? { text: lines.join("<br>") } : {}),
      font: { ...(title.font || {}), size: TITLE_PX },
    },
    margin: {
      ...margin,
      l: Math.min(margin.l ?? 60, 44),
      r: Math.min(margin.r ?? 30, 12),
      t: (margin.t ?? 90) + added,
    },
    legend: { ...(layout.legend || {}), x: 0, xanchor: "left", font: { size: 10 } },
    annotations: (layout.annotations || []).map((note) => ({
      ...note,
      font: { ...(note.font || {}), size: Math.min((note.font && note.font.size) || 11, 11) },
    })),
  };
}

const LAPTOP_PLOT_PX = 900; // about a dashboard chart's width on a laptop

function narrowTraces(data, width) {
  // Markers sized for a laptop's chart piled up on a phone's (the breach timeline's ✘ marks
  // merged into bars, the trade-off's bubbles covered each other): their sizes and outlines
  // shrink with the width, to 45 % at the least. Sizes given per point keep their values; their
  // scale (sizeref) changes, by the square for bubbles sized by area.
  const scale = Math.max(0.45, Math.min(1, width / LAPTOP_PLOT_PX));
  return data.map((trace) => {
    const marker = trace.marker;
    if (!marker || marker.size === undefined) return trace;
    const scaled = { ...marker };
    if (typeof marker.size === "number") {
      scaled.size = marker.size * scale;
    } else {
      const ref = marker.sizeref ?? 1;
      scaled.sizeref = marker.sizemode === "area" ? ref / (scale * scale) : ref / scale;
    }
    const line = marker.line || {};
    if (typeof line.width === "number") {
      scaled.line = { ...line, width: line.width * scale };
    } else if (Array.isArray(line.width)) {
      scaled.line = { ...line, width: line.width.map((value) => value * scale) };
    }
    return { ...trace, marker: scaled };
  });
}

function clearOfTitle(Plotly, plot, layout) {
  // A narrow chart's legend wraps into more rows than the top margin was made for, and grows
  // up over the title: the plot is lowered until the legend clears it.
  const title = plot.querySelector(".gtitle");
  const legend = plot.querySelector(".legend");
  if (!title || !legend) return undefined;
  const overlap = title.getBoundingClientRect().bottom - legend.getBoundingClientRect().top;
  if (overlap <= -4) return undefined;
  // From the top margin plotly drew with: it may have grown the figure's own to fit the legend
  // (139 px against 114), and a margin made from the figure's would lower nothing.
  const drawn = plot._fullLayout && plot._fullLayout._size && plot._fullLayout._size.t;
  const top = (drawn ?? (layout.margin && layout.margin.t) ?? 90) + Math.ceil(overlap) + 6;
  return Plotly.relayout(plot, { "margin.t": top });
}

const DESCRIPTION_CHARS = 300;

function plainText(markup) {
  // A title or axis title as read aloud: plotly's <br>, <b>, <sup>... and entities resolved.
  const html = String(markup || "").replace(/<br\s*\/?>/gi, " ");
  const text = new DOMParser().parseFromString(html, "text/html").body.textContent;
  return text.replace(/\s+/g, " ").trim();
}

function axisTitles(layout, letter) {
  // Each subplot's axis title once (the staffing plan's two y axes: agents, service level).
  const titles = Object.keys(layout)
    .filter((key) => new RegExp(`^${letter}axis\\d*$`).test(key))
    .map((key) => layout[key] && layout[key].title)
    .map((title) => plainText(typeof title === "string" ? title : title?.text));
  return [...new Set(titles.filter(Boolean))].join(" / ");
}

function pointCount(trace) {
  // From plotly's drawn traces, where typed arrays sent as base64 are decoded.
  if (trace.type === "heatmap" && trace.z) {
    return [...trace.z].reduce((count, row) => count + (row && row.length ? row.length : 1), 0);
  }
  return trace._length || 0;
}

function description(figure, plot) {
  // The chart's text alternative (WCAG 1.1.1): title, axis titles, series and how many points,
  // e.g. "Chart: Service level by week. x: Period; y: Service level (%). 5 series, 65 points:
  // Billing, Chat, ...". Series names are cut short ("and 4 more") to keep it brief.
  const layout = figure.layout || {};
  const title = plainText(typeof layout.title === "string" ? layout.title : layout.title?.text);
  const parts = [title ? `Chart: ${title}.` : "Chart."];
  const axes = [["x", axisTitles(layout, "x")], ["y", axisTitles(layout, "y")]]
    .filter(([, text]) => text)
    .map(([letter, text]) => `${letter}: ${text}`);
  if (axes.length) parts.push(`${axes.join("; ")}.`);
  const drawn = (plot._fullData || []).filter((trace) => trace.visible !== false);
  const points = drawn.reduce((count, trace) => count + pointCount(trace), 0);
  const cells = drawn.length > 0 && drawn.every((trace) => trace.type === "heatmap");
  const unit = `${points} ${cells ? "cells" : points === 1 ? "point" : "points"}`;
  const names = [
    ...new Set((figure.data || []).map((trace) => plainText(trace.name)).filter(Boolean)),
  ];
  const start = parts.join(" ");
  if (!names.length) return `${start} ${unit}.`;
  const series = `${names.length} series, ${unit}:`;
  let shown = names.length;
  const text = () => {
    const more = names.length - shown;
    const listed = names.slice(0, shown).join(", ") + (more ? `, and ${more} more` : "");
    return `${start} ${series} ${listed}.`;
  };
  while (shown > 1 && text().length > DESCRIPTION_CHARS) shown -= 1;
  return text();
}

function describe(plot, figure) {
  // A figure, not an image: an image's content is hidden from assistive technology, and
  // plotly's toolbar buttons inside it stay Tab stops, which must keep their names.
  plot.setAttribute("role", "figure");
  plot.setAttribute("aria-label", description(figure, plot));
}

function fitted(Plotly, plot) {
  // A chart first drawn before its widget was on the page (no width yet) is 700 px wide, and
  // Plotly.react keeps that width when it redraws the figure at the page's width: on a phone
  // the chart stayed cut off at the right until its data changed. It is resized to its box.
  const svg = plot.querySelector(".main-svg");
  const width = plot.clientWidth;
  if (!svg || width === 0 || Math.abs(svg.getBoundingClientRect().width - width) <= 1) {
    return undefined;
  }
  return Plotly.Plots.resize(plot);
}

async function render({ model, el }) {
  const plot = document.createElement("div");
  plot.className = "kpikit-chart";
  el.appendChild(plot);
  let Plotly = await plotly(model);
  plot.__kpikitPlotly = Plotly; // the instance that draws this chart (download.js uses it)
  let drawnNarrow = null;
  const draw = () => {
    const figure = JSON.parse(model.get("figure_json"));
    const minWidth = model.get("min_width");
    plot.style.minWidth = minWidth ? `${minWidth}px` : "";
    // The div holds the figure's height: with responsive charts, plotly sizes a resized
    // chart from its div, and a div sized by its own content would collapse.
    plot.style.height = `${(figure.layout && figure.layout.height) || DEFAULT_HEIGHT}px`;
    drawnNarrow = el.clientWidth > 0 && el.clientWidth < NARROW_PX;
    const layout = drawnNarrow ? narrow(figure.layout || {}, el.clientWidth) : figure.layout || {};
    const data = drawnNarrow ? narrowTraces(figure.data || [], el.clientWidth) : figure.data;
    const drawn = Plotly.react(plot, data || [], layout, CONFIG).then(() => {
      describe(plot, figure);
      return fitted(Plotly, plot);
    });
    return drawnNarrow ? drawn.then(() => clearOfTitle(Plotly, plot, layout)) : drawn;
  };
  // Redraws run one after another; a figure that needs the full bundle switches to it first.
  let queue = Promise.resolve();
  const redraw = () => {
    queue = queue.then(async () => {
      const wanted = await plotly(model);
      if (wanted !== Plotly) {
        Plotly.purge(plot);
        Plotly = plot.__kpikitPlotly = wanted;
        listen();
      }
      await draw();
    });
    return queue;
  };
  const listen = () =>
    plot.on("plotly_click", (event) =>
      model.send({ event: "click", points: clickedPoints(event) }),
    );
  await draw();
  listen();
  model.on("change:figure_json", redraw);
  model.on("change:min_width", redraw);
  const onMessage = (message) => {
    if (message.command === "download_png") {
      Plotly.downloadImage(plot, { format: "png", filename: message.filename, scale: 2 });
    }
  };
  model.on("msg:custom", onMessage);
  const resize = new ResizeObserver(() => {
    if (plot.offsetWidth === 0) {
      return;
    }
    if ((el.clientWidth < NARROW_PX) !== drawnNarrow) {
      redraw();
    } else {
      Plotly.Plots.resize(plot);
    }
  });
  resize.observe(el);
  return () => {
    resize.disconnect();
    model.off("change:figure_json", redraw);
    model.off("change:min_width", redraw);
    model.off("msg:custom", onMessage);
    Plotly.purge(plot);
  };
}

function staticCharts(Plotly) {
  // The charts of a static report (kpikit report: plotly's own HTML, no widget) take the same
  // phone layout as the live ones, and their text alternative: plotly draws them as written,
  // and a phone cut their titles at the edge.
  const config = { displaylogo: false, responsive: true };
  for (const plot of document.querySelectorAll(".js-plotly-plot")) {
    const figure = { data: plot.data || [], layout: structuredClone(plot.layout || {}) };
    let drawnNarrow = false;
    const draw = () => {
      const width = plot.clientWidth;
      drawnNarrow = width > 0 && width < NARROW_PX;
      const layout = drawnNarrow ? narrow(figure.layout, width) : structuredClone(figure.layout);
      const data = drawnNarrow ? narrowTraces(figure.data, width) : figure.data;
      return Plotly.react(plot, data, layout, config).then(() => {
        describe(plot, figure);
        return drawnNarrow ? clearOfTitle(Plotly, plot, layout) : undefined;
      });
    };
    let queue = draw();
    new ResizeObserver(() => {
      if (plot.clientWidth > 0 && (plot.clientWidth < NARROW_PX) !== drawnNarrow) {
        queue = queue.then(draw);
      }
    }).observe(plot);
  }
}

export { staticCharts };
export default { render };

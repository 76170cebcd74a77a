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

function narrow(layout) {
  // A phone-width chart: smaller text, thin side margins, the legend from the left edge.
  const font = layout.font || {};
  const title = layout.title || {};
  const margin = layout.margin || {};
  return {
    ...layout,
    font: { ...font, size: 11 },
    title: { ...title, font: { ...(title.font || {}), size: 13 } },
    margin: { ...margin, l: Math.min(margin.l ?? 60, 44), r: Math.min(margin.r ?? 30, 12) },
    legend: { ...(layout.legend || {}), x: 0, xanchor: "left", font: { size: 10 } },
    annotations: (layout.annotations || []).map((note) => ({
      ...note,
      font: { ...(note.font || {}), size: Math.min((note.font && note.font.size) || 11, 11) },
    })),
  };
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
    const layout = drawnNarrow ? narrow(figure.layout || {}) : figure.layout || {};
    return Plotly.react(plot, figure.data || [], layout, CONFIG);
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

export default { render };

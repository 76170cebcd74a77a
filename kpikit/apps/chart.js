// kpikit Chart: draws a plotly figure sent by the kernel as JSON.
//
// plotly.js is loaded once per page and shared by every chart on it: from the URL the kernel
// gives (``kpikit serve`` serves plotly's own minified bundle, cacheable), or, where no server
// offers it (plain JupyterLab), sent once by the kernel over the widget's comm. Redraws use
// Plotly.react, so a control change sends only the figure.

const CONFIG = { displaylogo: false, responsive: true };

function evaluate(code) {
  // plotly.min.js is a UMD bundle: give it a CommonJS module so it neither looks for an AMD
  // loader nor depends on the page's globals.
  const module = { exports: {} };
  new Function("module", "exports", "define", code)(module, module.exports, undefined);
  return module.exports;
}

function fromKernel(model) {
  return new Promise((resolve) => {
    model.on("msg:custom", (message) => {
      if (message.plotly_js) {
        resolve(evaluate(message.plotly_js));
      }
    });
    model.send({ event: "need_plotly" });
  });
}

async function fromUrl(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  return evaluate(await response.text());
}

function plotly(model) {
  if (!window.__kpikitPlotly) {
    const url = model.get("plotly_url");
    window.__kpikitPlotly = url
      ? fromUrl(url).catch(() => fromKernel(model))
      : fromKernel(model);
  }
  return window.__kpikitPlotly;
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

async function render({ model, el }) {
  const plot = document.createElement("div");
  plot.className = "kpikit-chart";
  el.appendChild(plot);
  const Plotly = await plotly(model);
  const draw = () => {
    const figure = JSON.parse(model.get("figure_json"));
    return Plotly.react(plot, figure.data || [], figure.layout || {}, CONFIG);
  };
  await draw();
  plot.on("plotly_click", (event) => model.send({ event: "click", points: clickedPoints(event) }));
  model.on("change:figure_json", draw);
  const onMessage = (message) => {
    if (message.command === "download_png") {
      Plotly.downloadImage(plot, { format: "png", filename: message.filename, scale: 2 });
    }
  };
  model.on("msg:custom", onMessage);
  const resize = new ResizeObserver(() => {
    if (plot.offsetWidth > 0) {
      Plotly.Plots.resize(plot);
    }
  });
  resize.observe(el);
  return () => {
    resize.disconnect();
    model.off("change:figure_json", draw);
    model.off("msg:custom", onMessage);
    Plotly.purge(plot);
  };
}

export default { render };

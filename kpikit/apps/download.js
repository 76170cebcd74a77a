// kpikit Downloads: "Download Excel" asks the kernel for the workbook's bytes and saves them;
// "Download PNG" draws every chart of the app into one image in the browser and saves it.

function save(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

function loadImage(source) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = reject;
    image.src = source;
  });
}

async function chartsImage(root) {
  // Each chart is exported by the plotly.js instance that drew it (set by chart.js).
  const plots = [...root.querySelectorAll(".js-plotly-plot")].filter(
    (plot) => plot.offsetWidth > 0 && plot.__kpikitPlotly,
  );
  const scale = 2;
  const images = await Promise.all(
    plots.map((plot) =>
      plot.__kpikitPlotly.toImage(plot, { format: "png", scale }).then(loadImage),
    ),
  );
  const gap = 16 * scale;
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(...images.map((image) => image.width), 1);
  canvas.height = images.reduce((sum, image) => sum + image.height + gap, 0) || 1;
  const context = canvas.getContext("2d");
  context.fillStyle = "white";
  context.fillRect(0, 0, canvas.width, canvas.height);
  let top = 0;
  for (const image of images) {
    context.drawImage(image, 0, top);
    top += image.height + gap;
  }
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

function button(text, title) {
  const element = document.createElement("button");
  element.className = "jupyter-button widget-button kpikit-download";
  element.textContent = text;
  element.title = title;
  return element;
}

function render({ model, el }) {
  el.classList.add("kpikit-downloads");
  const excel = button("Download Excel", "The tables of this view as a formatted workbook");
  const png = button("Download PNG", "The charts of this view as one image");
  el.append(excel, png);
  excel.addEventListener("click", () => {
    excel.disabled = true;
    model.send({ event: "excel" });
  });
  png.addEventListener("click", async () => {
    png.disabled = true;
    try {
      const root = el.closest(".kpikit-app") || document.body;
      save(await chartsImage(root), `${model.get("basename")}.png`);
    } finally {
      png.disabled = false;
    }
  });
  const onMessage = (message, buffers) => {
    if (message.command === "save") {
      const type = message.mimetype || "application/octet-stream";
      save(new Blob(buffers, { type }), message.filename);
    }
    excel.disabled = false;
  };
  model.on("msg:custom", onMessage);
  return () => model.off("msg:custom", onMessage);
}

export default { render };

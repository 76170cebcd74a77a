// kpikit: what a screen reader needs from the page that ipywidgets and Voila leave out.
//
// - Sliders: ipywidgets draws them with noUiSlider, whose handle (role=slider) has no name (its
//   label is a separate <label> with no control) and reads its value as float noise
//   ("92.99999999999999"). Each handle is named after its widget's label, hidden visually or not
//   (kpikit's HIDDEN_LABEL_CLASS), and says the value as the readout beside it shows it.
// - Landmarks: Voila's shell adds a top and a bottom panel with the roles banner and
//   contentinfo; they stay empty and hidden, so they lose their roles (the page's content is
//   the main landmark, set in index.html.j2).
// - Live regions: a widget with the class kpikit-live-region (kpikit.apps._monitor_html's
//   LIVE_REGION_CLASS) becomes a polite status region itself. Its element stays on the page
//   while ipywidgets replaces its text, so screen readers announce each change; a region
//   inserted together with its text is missed by some of them.
//
// Widgets are drawn after the page has loaded and redrawn as the kernel changes them, so one
// observer of the document keeps the handles in step with their labels and readouts.
(function () {
  "use strict";
  const SLIDER = ".widget-slider";
  const EMPTY_PANELS = ["voila-top-panel", "voila-bottom-panel"];
  const LIVE_REGION = ".kpikit-live-region";
  const LIVE_ROLE = { role: "status", "aria-live": "polite", "aria-atomic": "true" };

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function nameSlider(slider) {
    const name = text(slider.querySelector(".widget-label"));
    const readout = text(slider.querySelector(".widget-readout"));
    for (const handle of slider.querySelectorAll("[role=slider]")) {
      // Only when different: the observer sees its own changes, and this ends the round.
      if (name && handle.getAttribute("aria-label") !== name) {
        handle.setAttribute("aria-label", name);
      }
      if (readout && handle.getAttribute("aria-valuetext") !== readout) {
        handle.setAttribute("aria-valuetext", readout);
      }
    }
  }

  function unlandmarkEmptyPanels() {
    for (const id of EMPTY_PANELS) {
      const panel = document.getElementById(id);
      if (panel && panel.hasAttribute("role") && panel.childElementCount === 0) {
        panel.removeAttribute("role");
      }
    }
  }

  function makeLive(region) {
    for (const [name, value] of Object.entries(LIVE_ROLE)) {
      if (region.getAttribute(name) !== value) region.setAttribute(name, value);
    }
  }

  function sliderOf(node) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(SLIDER) : null;
  }

  const observer = new MutationObserver((records) => {
    const sliders = new Set();
    let added = false;
    for (const record of records) {
      // ipywidgets may give a widget its classes after its element is on the page
      if (record.attributeName === "class" && record.target.matches(LIVE_REGION)) {
        makeLive(record.target);
      }
      const slider = sliderOf(record.target);
      if (slider) sliders.add(slider);
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        added = true;
        if (node.matches(SLIDER)) sliders.add(node);
        for (const inner of node.querySelectorAll(SLIDER)) sliders.add(inner);
        if (node.matches(LIVE_REGION)) makeLive(node);
        node.querySelectorAll(LIVE_REGION).forEach(makeLive);
      }
    }
    sliders.forEach(nameSlider);
    if (added) unlandmarkEmptyPanels();
  });
  observer.observe(document.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ["aria-valuetext", "aria-label", "class"],
  });
})();

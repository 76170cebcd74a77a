// kpikit: what a screen reader needs from the page that ipywidgets and Voila leave out.
//
// - Sliders: ipywidgets draws them with noUiSlider, whose handle (role=slider) has no name (its
//   label is a separate <label> with no control) and reads its value as float noise
//   ("92.99999999999999"). Each handle is named after its widget's label, hidden visually or not
//   (kpikit's HIDDEN_LABEL_CLASS), and says the value as the readout beside it shows it.
// - Landmarks: Voila's shell adds a top and a bottom panel with the roles banner and
//   contentinfo; they stay empty and hidden, so they lose their roles (the page's content is
//   the main landmark, set in index.html.j2).
//
// Widgets are drawn after the page has loaded and redrawn as the kernel changes them, so one
// observer of the document keeps the handles in step with their labels and readouts.
(function () {
  "use strict";
  const SLIDER = ".widget-slider";
  const EMPTY_PANELS = ["voila-top-panel", "voila-bottom-panel"];

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

  function sliderOf(node) {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(SLIDER) : null;
  }

  const observer = new MutationObserver((records) => {
    const sliders = new Set();
    let added = false;
    for (const record of records) {
      const slider = sliderOf(record.target);
      if (slider) sliders.add(slider);
      for (const node of record.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        added = true;
        if (node.matches(SLIDER)) sliders.add(node);
        for (const inner of node.querySelectorAll(SLIDER)) sliders.add(inner);
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
    attributeFilter: ["aria-valuetext", "aria-label"],
  });
})();

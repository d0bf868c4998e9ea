// Gives every ipywidgets slider handle on the page an accessible name.
//
// ipywidgets 8 draws a slider with noUiSlider, whose handle (role="slider") has no
// aria-label, so a screen reader announces only "slider, 0.1" and axe-core reports
// aria-input-field-name. The visible label next to the slider is its name: copy it onto
// the handle, and keep doing so as handles are created (a slider is redrawn when its
// orientation changes; explorers appear as cells run). A log slider's handle reports the
// exponent as its value; aria-valuetext is set to the readout the student sees.
// Readouts marked mgc-live become polite live regions, announced as they change.
function nameHandles() {
  for (const readout of document.querySelectorAll(".mgc-live:not([aria-live])")) {
    readout.setAttribute("aria-live", "polite");
    readout.setAttribute("role", "status");
  }
  for (const handle of document.querySelectorAll(".noUi-handle")) {
    const box = handle.closest(".widget-slider, .jupyter-widget-slider, .widget-inline-hbox");
    if (!box) continue;
    const label = box.querySelector(":scope > .widget-label, :scope > label");
    const name = label && label.textContent.trim();
    if (name && handle.getAttribute("aria-label") !== name) handle.setAttribute("aria-label", name);
    const readout = box.querySelector(":scope > .widget-readout");
    const text = readout && readout.textContent.trim();
    if (text && handle.getAttribute("aria-valuetext") !== text) handle.setAttribute("aria-valuetext", text);
  }
}

let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; nameHandles(); });
}

function render({ el }) {
  el.style.display = "none";
  if (!window.__mgcSliderNames) {
    window.__mgcSliderNames = new MutationObserver(schedule);
    window.__mgcSliderNames.observe(document.body, {
      subtree: true, childList: true, characterData: true,
      attributeFilter: ["aria-valuenow"],
    });
  }
  schedule();
}

export default { render };

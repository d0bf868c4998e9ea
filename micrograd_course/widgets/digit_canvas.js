// The draw-a-digit widget's page side (an anywidget ES module; no build step).
// It draws the pen on a canvas and sends the strokes to Python as lists of
// [x, y] points (CSS pixels, y downwards), while drawing every 100 ms and when
// the pen lifts. Python answers with `pixels` (the 8x8 image the model sees,
// 0..16) and `probabilities` (one per class), shown as a small image and bars.

const SIZE = 224; // CSS pixels of the drawing canvas
const PEN = 16; // the pen's width on the canvas (what Python sees is the path, not this width)
const SEND_EVERY = 100; // ms between updates while drawing

function element(tag, className, attributes = {}) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  for (const [name, value] of Object.entries(attributes)) e.setAttribute(name, value);
  return e;
}

function sharpCanvas(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}

function render({ model, el }) {
  const root = element("div", "mgc-draw-digit");

  // Left: the canvas and the clear button.
  const drawing = element("div", "mgc-draw-digit-panel");
  const canvas = element("canvas", "mgc-draw-digit-canvas", {
    role: "img",
    "aria-label": "drawing area: draw one digit with the mouse, a pen or a finger",
  });
  const pen = sharpCanvas(canvas, SIZE, SIZE);
  const clear = element("button", "mgc-draw-digit-clear", { type: "button", "aria-label": "clear the drawing" });
  clear.textContent = "clear";
  drawing.append(element("div", "mgc-draw-digit-caption"), canvas, clear);
  drawing.firstChild.textContent = "draw a digit";

  // Middle: what the model sees.
  const seen = element("div", "mgc-draw-digit-panel");
  const preview = element("canvas", "mgc-draw-digit-preview", {
    role: "img",
    "aria-label": "the drawing as the model sees it: 8 by 8 pixels",
  });
  const tiles = sharpCanvas(preview, 96, 96);
  const prediction = element("output", "mgc-draw-digit-prediction", { "data-name": "prediction", "aria-live": "polite" });
  seen.append(element("div", "mgc-draw-digit-caption"), preview, prediction);
  seen.firstChild.textContent = "what the model sees (8x8)";

  // Right: one bar per class.
  const chart = element("div", "mgc-draw-digit-panel mgc-draw-digit-chart");
  const caption = element("div", "mgc-draw-digit-caption");
  caption.textContent = "probability of each class";
  const list = element("ol", "mgc-draw-digit-bars", { "aria-label": "probability of each class" });
  chart.append(caption, list);

  const error = element("div", "mgc-draw-digit-error", { "data-name": "error", role: "alert" });
  root.append(drawing, seen, chart, error);
  el.append(root);

  let strokes = (model.get("strokes") || []).map((s) => s.slice());
  let current = null; // the stroke being drawn
  let lastSent = 0;

  function paintStrokes() {
    pen.fillStyle = "#fff";
    pen.fillRect(0, 0, SIZE, SIZE);
    pen.strokeStyle = "#111";
    pen.fillStyle = "#111";
    pen.lineWidth = PEN;
    pen.lineCap = "round";
    pen.lineJoin = "round";
    for (const stroke of strokes) {
      if (stroke.length === 1) {
        pen.beginPath();
        pen.arc(stroke[0][0], stroke[0][1], PEN / 2, 0, 2 * Math.PI);
        pen.fill();
        continue;
      }
      pen.beginPath();
      stroke.forEach(([x, y], i) => (i ? pen.lineTo(x, y) : pen.moveTo(x, y)));
      pen.stroke();
    }
  }

  function send() {
    lastSent = performance.now();
    model.set("strokes", strokes.map((s) => s.slice()));
    model.save_changes();
  }

  function where(event) {
    const box = canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) * SIZE) / box.width;
    const y = ((event.clientY - box.top) * SIZE) / box.height;
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  }

  function down(event) {
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    current = [where(event)];
    strokes.push(current);
    paintStrokes();
  }

  function move(event) {
    if (!current) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const e of events.length ? events : [event]) current.push(where(e));
    paintStrokes();
    if (performance.now() - lastSent > SEND_EVERY) send();
  }

  function up(event) {
    if (!current) return;
    event.preventDefault();
    current = null;
    send();
  }

  canvas.addEventListener("pointerdown", down);
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerup", up);
  canvas.addEventListener("pointercancel", up);
  clear.addEventListener("click", () => {
    strokes = [];
    current = null;
    paintStrokes();
    send();
  });

  function paintPreview() {
    const pixels = model.get("pixels") || [];
    const cell = 96 / 8;
    for (let i = 0; i < 64; i++) {
      const shade = Math.round(255 * (1 - (pixels[i] || 0) / 16));
      tiles.fillStyle = `rgb(${shade},${shade},${shade})`;
      tiles.fillRect((i % 8) * cell, Math.floor(i / 8) * cell, cell, cell);
    }
    preview.dataset.pixels = pixels.join(",");
  }

  function paintBars() {
    const classes = model.get("classes") || [];
    const p = model.get("probabilities") || [];
    const best = model.get("prediction");
    list.replaceChildren();
    classes.forEach((name, k) => {
      const value = p.length ? p[k] : 0;
      const percent = Math.round(100 * value);
      const row = element("li", "mgc-draw-digit-row" + (k === best ? " mgc-draw-digit-best" : ""));
      const label = element("span", "mgc-draw-digit-label");
      label.textContent = name;
      const track = element("span", "mgc-draw-digit-track", {
        role: "meter",
        "aria-valuemin": "0",
        "aria-valuemax": "100",
        "aria-valuenow": String(percent),
        "aria-label": `probability of ${name}`,
        "data-name": `p${k}`,
        "data-value": String(value),
      });
      const fill = element("span", "mgc-draw-digit-fill");
      fill.style.width = `${(100 * value).toFixed(1)}%`;
      track.append(fill);
      const number = element("span", "mgc-draw-digit-percent");
      number.textContent = p.length ? `${percent}%` : "";
      row.append(label, track, number);
      list.append(row);
    });
    prediction.textContent = best >= 0 && p.length > best ? `it reads: ${classes[best]} (${Math.round(100 * p[best])}%)` : "nothing drawn yet";
    error.textContent = model.get("error") || "";
  }

  function fromPython() {
    if (current) return; // the student is drawing: the page's own strokes are newer
    strokes = (model.get("strokes") || []).map((s) => s.slice());
    paintStrokes();
  }

  model.on("change:strokes", fromPython);
  model.on("change:pixels", paintPreview);
  model.on("change:probabilities", paintBars);
  model.on("change:prediction", paintBars);
  model.on("change:error", paintBars);
  paintStrokes();
  paintPreview();
  paintBars();

  return () => {
    model.off("change:strokes", fromPython);
    model.off("change:pixels", paintPreview);
    model.off("change:probabilities", paintBars);
    model.off("change:prediction", paintBars);
    model.off("change:error", paintBars);
  };
}

export default { render };

// gradscape's live chart: one Plotly div that stays on the page; each new figure is applied with
// Plotly.react (only what changed is redrawn), and a click inside a panel reports its data
// coordinates. Plotly.js itself is the copy inside the installed plotly package, served by the app
// at the address `data.plotly` (relative to the app's own address).

let loading = null;

function loadPlotly(address) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (loading === null) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL(address, window.location.href).href;    // under any server.baseUrlPath
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { loading = null; reject(new Error("plotly.js could not be loaded")); };
      document.head.appendChild(script);
    });
  }
  return loading;
}

// The panel under a click and the click's data coordinates, or null outside every panel.
function dataPoint(gd, event) {
  const layout = gd._fullLayout;
  if (!layout || !layout._subplots) return null;
  const box = gd.getBoundingClientRect();
  for (const id of layout._subplots.cartesian) {
    const plot = layout._plots[id];
    const xa = plot.xaxis, ya = plot.yaxis;
    const px = event.clientX - box.left - xa._offset, py = event.clientY - box.top - ya._offset;
    if (px >= 0 && px <= xa._length && py >= 0 && py <= ya._length) {
      // and what one pixel spans in data units there: the precision the click resolves
      return { x: xa.p2l(px), y: ya.p2l(py),
               dx: Math.abs(xa.p2l(px + 1) - xa.p2l(px)), dy: Math.abs(ya.p2l(py + 1) - ya.p2l(py)) };
    }
  }
  return null;
}

// The start marker (the trace in legend group "start", whatever its translated name) in each panel: its panel and client pixels.
function startMarkers(gd) {
  const layout = gd._fullLayout, box = gd.getBoundingClientRect(), found = [];
  for (const trace of gd._fullData || []) {
    const plot = trace.legendgroup === "start" && layout._plots && layout._plots[trace.xaxis + trace.yaxis];
    if (!plot || !trace.x || !trace.x.length) continue;
    found.push({ plot, x: box.left + plot.xaxis._offset + plot.xaxis.l2p(trace.x[0]),
                 y: box.top + plot.yaxis._offset + plot.yaxis.l2p(trace.y[0]) });
  }
  return found;
}

// Data coordinates of a pointer in a given panel, kept inside its axes.
function inPanel(gd, plot, event) {
  const box = gd.getBoundingClientRect(), xa = plot.xaxis, ya = plot.yaxis;
  const px = Math.min(Math.max(event.clientX - box.left - xa._offset, 0), xa._length);
  const py = Math.min(Math.max(event.clientY - box.top - ya._offset, 0), ya._length);
  return { x: xa.p2l(px), y: ya.p2l(py),       // and what one pixel spans, as for a click
           dx: Math.abs(xa.p2l(px + 1) - xa.p2l(px)), dy: Math.abs(ya.p2l(py + 1) - ya.p2l(py)) };
}

// The traces without their arrays: what must stay the same for moveTraces to draw new ones.
function shape(traces) {
  return JSON.stringify(traces.map(({ x, y, customdata, ...rest }) => rest));
}

// Whether moveTraces can draw new arrays on a figure: scatter traces only (Plotly animates
// those), on axes of fixed ranges (moved traces never rescale an axis).
function movable(figure) {
  const axes = Object.keys(figure.layout).filter((k) => /^[xy]axis\d*$/.test(k));
  return figure.data.every((t) => (t.type || "scatter") === "scatter")
    && axes.every((k) => Array.isArray(figure.layout[k].range) && figure.layout[k].autorange !== true);
}

// Draw new arrays (x, y, customdata) on traces of the same shape: Plotly.animate with no
// transition and no redraw moves the traces without drawing the axes, titles and pictures again,
// in about half the time of Plotly.react's (or restyle's) full redraw.
function moveTraces(gd, traces) {
  return window.Plotly.animate(gd, { data: traces, traces: traces.map((_, i) => i) },
                               { mode: "immediate", transition: { duration: 0 },
                                 frame: { duration: 0, redraw: false } })
    .catch(() => {});                         // interrupted by the next one: that one shows
}

// Draw a dragged start's answer ({data, annotations}): only the traces' arrays moved (the usual
// case) -> moveTraces; else (a run's note or end marker changed) Plotly.react with its annotations.
function drawAnswer(gd, answer) {
  if (shape(answer.data) === gd.__gsShape
      && JSON.stringify(answer.annotations) === JSON.stringify(gd.layout.annotations || [])) {
    return moveTraces(gd, answer.data);
  }
  gd.__gsLook = null;                         // the layout is no longer the page's
  gd.__gsShape = shape(answer.data);
  return window.Plotly.react(gd, answer.data, { ...gd.layout, annotations: answer.annotations });
}

// Drag the start marker: while the button is down, ask the app's route (gd.__gsDrag: its address
// and the chart's key) for the traces from the pointer's position and draw them in place of the
// figure's; one request at a time, the latest position next (the next goes out as soon as an
// answer is in, so the server computes it while the browser draws). On release send "release"
// {x, y}: the page sets the start. The arrow keys move the start by 1/50 of the panel's width or height.
function draggable(gd) {
  let drag = null;
  const send = () => {
    const mine = drag;
    if (mine === null || mine.next === null || mine.busy || !gd.__gsDrag) return;
    const url = new URL(gd.__gsDrag.address, window.location.href);
    url.search = new URLSearchParams({ key: gd.__gsDrag.key, x: mine.next.x, y: mine.next.y });
    mine.next = null;
    mine.busy = true;
    fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null).then((answer) => {
      mine.busy = false;
      if (drag !== mine) return null;        // released meanwhile: the page's figure follows
      send();                                // the next position, computed while this is drawn
      if (answer) drawAnswer(gd, answer);
      return null;
    });
  };
  gd.addEventListener("pointerdown", (e) => {
    if (!gd.__gsClickable || e.button !== 0) return;
    const hit = startMarkers(gd).find((m) => Math.hypot(e.clientX - m.x, e.clientY - m.y) <= 12);
    if (!hit) return;
    e.preventDefault();                        // no zoom box, no click
    e.stopPropagation();
    drag = { plot: hit.plot, next: null, busy: false };
    gd.__gsDragged = true;
    gd.__gsShown = null;                       // the page's next figure is drawn, whatever it is
  }, true);
  window.addEventListener("pointermove", (e) => {
    if (drag === null) return;
    drag.next = inPanel(gd, drag.plot, e);
    send();
  });
  window.addEventListener("pointerup", (e) => {
    if (drag === null) return;
    const point = inPanel(gd, drag.plot, e);
    drag = null;
    gd.__gsTrigger("release", point);
  });
  gd.tabIndex = 0;                             // focusable: the keyboard moves the start too
  gd.addEventListener("keydown", (e) => {
    const step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    const marker = gd.__gsClickable && step && startMarkers(gd)[0];
    if (!marker) return;
    e.preventDefault();
    const xa = marker.plot.xaxis, ya = marker.plot.yaxis, box = gd.getBoundingClientRect();
    const x = xa.p2l(marker.x - box.left - xa._offset), y = ya.p2l(marker.y - box.top - ya._offset);
    const [rx, ry] = [xa.range[1] - xa.range[0], ya.range[1] - ya.range[0]];
    gd.__gsTrigger("release", { x: x + step[0] * rx / 50, y: y + step[1] * ry / 50 });
  });
}

// Report a click inside a panel as gd.__gsTrigger("click", {x, y}); not the end of a drag (zoom,
// pan, or the start marker dragged), and not a double click (Plotly's "reset the axes"): a click
// waits for Plotly's double-click delay before it counts.
function listen(gd) {
  let down = null, pending = null;
  draggable(gd);
  gd.addEventListener("mousedown", (e) => { down = [e.clientX, e.clientY]; gd.__gsDragged = false; }, true);
  gd.addEventListener("click", (e) => {
    if (gd.__gsDragged) { gd.__gsDragged = false; return; }
    if (!gd.__gsClickable || down === null || Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 4) return;
    if (!e.target.closest || !e.target.closest(".nsewdrag")) return;    // on a panel, not the legend
    if (pending !== null) {                   // the second click of a double click
      clearTimeout(pending);
      pending = null;
      return;
    }
    const point = dataPoint(gd, e);
    if (point === null || !Number.isFinite(point.x) || !Number.isFinite(point.y)) return;
    pending = setTimeout(() => { pending = null; gd.__gsTrigger("click", point); },
                         gd._context ? gd._context.doubleClickDelay : 300);
  }, true);
}

// The contour pictures, by hash: each is sent once per session (livechart.py) and kept here for
// every chart of the page, across remounts (a tab closed and opened again).
const pictures = window.__gsPictures || (window.__gsPictures = new Map());

// Put the pictures into the layout's images in place of their hashes; the hashes it lacks.
function withPictures(layout, received) {
  for (const [ref, picture] of Object.entries(received)) pictures.set(ref, picture);
  const missing = [];
  for (const image of layout.images || []) {
    if (typeof image.source === "string" && image.source.startsWith("gs:")) {
      if (pictures.has(image.source)) image.source = pictures.get(image.source);
      else missing.push(image.source);
    }
  }
  return missing;
}

// Keep the chart as wide as its div: Plotly's `responsive` follows the window only, not the div
// (the sidebar opened or collapsed, the window resized with the page laid out anew). Once per
// animation frame at most.
function follow(gd) {
  let frame = null, width = null;
  gd.__gsObserver = new ResizeObserver((entries) => {
    const now = Math.round(entries[entries.length - 1].contentRect.width);
    if (now === width || frame !== null) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      width = Math.round(gd.getBoundingClientRect().width);
      if (window.Plotly && gd._fullLayout) window.Plotly.Plots.resize(gd);
    });
  });
  gd.__gsObserver.observe(gd);
}

// --- presentation mode: the chart fills the window below it; the keyboard drives playback -----
// (its own section: the drag code above is untouched; a key handled here never reaches it)

const PRESENT_KEYS = new Set(["ArrowRight", "ArrowLeft", " ", "Home", "End"]);

// The height that keeps the chart's bottom inside the window (a small margin below), at least 240.
function fitHeight(gd) {
  const top = gd.getBoundingClientRect().top + window.scrollY;
  return Math.max(240, Math.floor(window.innerHeight - top - 12));
}

// Resize a fitting chart when the window or the page changes (once per animation frame at
// most): its height to the window, its width to its div (the sidebar folds away as it is drawn).
function fitOnResize(gd) {
  if (gd.__gsFitListener) return;
  let frame = null;
  gd.__gsFitListener = () => {
    if (frame !== null || !gd.__gsFit || !window.Plotly || !gd._fullLayout) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      const height = fitHeight(gd), width = Math.round(gd.getBoundingClientRect().width);
      if (Math.abs(height - gd._fullLayout.height) > 1 || Math.abs(width - gd._fullLayout.width) > 1) {
        window.Plotly.relayout(gd, { height, width });
      }
    });
  };
  window.addEventListener("resize", gd.__gsFitListener);
  // and when the page above the chart grows or shrinks (a warning shown, a formula typeset)
  gd.__gsFitObserver = new ResizeObserver(() => gd.__gsFitListener());
  gd.__gsFitObserver.observe(document.querySelector('[data-testid="stMainBlockContainer"]') || document.body);
}

// Whether a key event belongs to an input that uses the keys itself (text, a slider, a menu).
function ownKeys(target) {
  return !!(target && target.closest &&
            target.closest('input, textarea, select, [contenteditable="true"], [role="slider"], [role="listbox"]'));
}

// One listener for the whole page, capturing: → ← Space Home End go to the chart that asked for
// them (window.__gsKeysChart) as gd.__gsTrigger("key", {key, seq}); the page scrolls not, and a
// focused button does not also click (Space), nor does the focused chart move the start (arrows).
function listenKeys() {
  if (window.__gsKeysListening) return;
  window.__gsKeysListening = true;
  let seq = 0;
  const handle = (e) => {
    const gd = window.__gsKeysChart;
    if (!gd || !gd.isConnected || !PRESENT_KEYS.has(e.key) || ownKeys(e.target)
        || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    e.stopPropagation();
    if (e.type === "keydown" && gd.__gsTrigger) gd.__gsTrigger("key", { key: e.key, seq: ++seq });
  };
  window.addEventListener("keydown", handle, true);
  window.addEventListener("keyup", handle, true);
}

function present(gd, data, figure) {
  gd.__gsFit = !!data.fit;
  if (data.fit) {
    fitOnResize(gd);
    figure.layout.height = fitHeight(gd);
  }
  if (data.keys) {
    listenKeys();
    window.__gsKeysChart = gd;
  } else if (window.__gsKeysChart === gd) {
    window.__gsKeysChart = null;
  }
}

// --- a number typed into the sidebar: the chart answers at once ---------------------------------
// The page reruns as always and its figure follows; this only draws the new runs sooner: the
// route (gd.__gsDrag's address) gets the chart's key and every input typed since the page's last
// figure, by name (its element's key: the class `st-key-…` Streamlit gives it; only those the
// page listed in gd.__gsDrag.inputs), one request at a time, the newest state next. An answer the
// page's figure overtook is dropped.

function inputName(input) {
  const box = input.closest('[class*="st-key-"]');
  const name = box && [...box.classList].find((c) => c.startsWith("st-key-"));
  return name ? name.slice("st-key-".length) : null;
}

function askTyped(gd) {
  if (gd.__gsTypedBusy || !gd.__gsTypedNew || !gd.__gsDrag) return;
  const generation = gd.__gsGeneration, url = new URL(gd.__gsDrag.address, window.location.href);
  url.search = new URLSearchParams([["key", gd.__gsDrag.key],
                                    ...[...gd.__gsTyped].map(([name, text]) => ["typed", `${name}:${text}`])]);
  gd.__gsTypedNew = false;
  gd.__gsTypedBusy = true;
  fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null).then((answer) => {
    gd.__gsTypedBusy = false;
    if (generation !== gd.__gsGeneration || !gd.isConnected) return null;   // the page's figure is in
    askTyped(gd);                                                            // typed meanwhile
    if (answer && answer.data) {                 // else the page answers itself ({redraw: why})
      gd.__gsAnswered = JSON.stringify(answer.data);
      drawAnswer(gd, answer);
    }
    return null;
  });
}

function listenTyped() {
  if (window.__gsTypedListening) return;
  window.__gsTypedListening = true;
  const numberInput = (el) => !!(el && el.matches && el.matches(
    '[data-testid="stSidebar"] [data-testid="stNumberInput"] input, [data-testid="stPopoverBody"] [data-testid="stNumberInput"] input'));
  const commit = (input) => {
    const gd = window.__gsTypedChart, name = inputName(input), text = input.value.trim(), value = Number(text);
    if (!gd || !gd.isConnected || !gd.__gsDrag || !(gd.__gsDrag.inputs || []).includes(name)
        || text === "" || !Number.isFinite(value)) return;
    if ((input.min !== "" && value < Number(input.min)) || (input.max !== "" && value > Number(input.max))) return;
    gd.__gsTyped.set(name, text);
    gd.__gsTypedNew = true;
    askTyped(gd);
  };
  let before = null;                          // the focused input's value: a blur commits a change
  document.addEventListener("focusin", (e) => { before = numberInput(e.target) ? e.target.value : null; }, true);
  document.addEventListener("focusout", (e) => {
    if (numberInput(e.target) && before !== null && e.target.value !== before) commit(e.target);
  }, true);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && numberInput(e.target)) { before = e.target.value; commit(e.target); }
  }, true);
  document.addEventListener("click", (e) => {   // the − and + buttons: the value once they applied it
    const button = e.target.closest && e.target.closest('[data-testid^="stNumberInputStep"]');
    const input = button && button.closest('[data-testid="stNumberInput"]');
    if (input) requestAnimationFrame(() => { const el = input.querySelector("input"); if (numberInput(el)) commit(el); });
  }, true);
}

export default function ({ data, parentElement, setTriggerValue }) {
  if (!data.figure) {                         // preload(): fetch plotly.js while the page is computed
    loadPlotly(data.plotly).catch(() => {});
    return;
  }
  let gd = parentElement.querySelector(".gs-live");
  if (gd === null) {
    gd = document.createElement("div");
    gd.className = "gs-live";
    parentElement.appendChild(gd);
    listen(gd);
  }
  if (!gd.__gsObserver) follow(gd);
  gd.__gsTrigger = setTriggerValue;           // the newest values, for the listener
  gd.__gsClickable = !!data.clickable;
  gd.__gsDrag = data.drag;                    // where a dragged start's (or typed input's) traces come from
  if (data.drag) {
    listenTyped();
    window.__gsTypedChart = gd;
    if (!gd.__gsTyped || gd.__gsTypedKey !== data.drag.key) {   // a new experiment: typed afresh
      gd.__gsTyped = new Map();
      gd.__gsTypedKey = data.drag.key;
      gd.__gsGeneration = (gd.__gsGeneration || 0) + 1;
    }
  } else if (window.__gsTypedChart === gd) {
    window.__gsTypedChart = null;
  }
  const drawn = () => { if (data.notify) setTriggerValue("drawn", data.notify); };
  const shown = data.figure + JSON.stringify(data.config) + !!data.fit + !!data.keys;
  if (gd.__gsShown === shown) {               // the same figure again (the rest of the page reran)
    drawn();
  } else {
    const figure = JSON.parse(data.figure);
    const look = JSON.stringify(figure.layout) + JSON.stringify(data.config);   // before the pictures
    const missing = withPictures(figure.layout, data.images || {});
    if (missing.length) {                     // pictures this page no longer has: ask again
      setTriggerValue("missing", missing);
      return;
    }
    gd.__gsShown = shown;
    present(gd, data, figure);
    const config = { ...data.config, responsive: true };
    // the same layout and traces but for their arrays (a new lr, start or step): move the traces
    const traces = shape(figure.data);
    const move = gd._fullLayout && gd.__gsLook === look && gd.__gsShape === traces && movable(figure);
    // what a typed input's answer already drew: nothing to draw
    const drawnAlready = move && gd.__gsAnswered === JSON.stringify(figure.data);
    gd.__gsAnswered = null;
    gd.__gsLook = look;
    gd.__gsShape = traces;
    loadPlotly(data.plotly)
      .then((Plotly) => (drawnAlready ? null
                         : move ? moveTraces(gd, figure.data)
                         : Plotly.react(gd, figure.data, figure.layout, config)))
      .then(() => { if (gd.__gsFit) gd.__gsFitListener(); })    // the page above may have moved
      .then(drawn)
      .catch((err) => { gd.textContent = String(err.message || err); drawn(); });
  }
  return () => {                              // unmounted (another tab)
    if (gd.__gsObserver) gd.__gsObserver.disconnect();
    gd.__gsObserver = null;
    if (gd.__gsFitListener) window.removeEventListener("resize", gd.__gsFitListener);
    if (gd.__gsFitObserver) gd.__gsFitObserver.disconnect();
    gd.__gsFitListener = gd.__gsFitObserver = null;
    if (window.__gsKeysChart === gd) window.__gsKeysChart = null;
    if (window.__gsTypedChart === gd) window.__gsTypedChart = null;
    gd.__gsLook = null;
    if (window.Plotly) window.Plotly.purge(gd);
  };
}

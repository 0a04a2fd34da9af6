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

// Report a click inside a panel as gd.__gsTrigger("click", {x, y}); not the end of a drag (zoom,
// pan), and not a double click (Plotly's "reset the axes"): a click waits for Plotly's
// double-click delay before it counts.
function listen(gd) {
  let down = null, pending = null;
  gd.addEventListener("mousedown", (e) => { down = [e.clientX, e.clientY]; }, true);
  gd.addEventListener("click", (e) => {
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
  const drawn = () => { if (data.notify) setTriggerValue("drawn", data.notify); };
  const shown = data.figure + JSON.stringify(data.config);
  if (gd.__gsShown === shown) {               // the same figure again (the rest of the page reran)
    drawn();
  } else {
    gd.__gsShown = shown;
    const figure = JSON.parse(data.figure);
    const config = { ...data.config, responsive: true };
    loadPlotly(data.plotly).then((Plotly) => Plotly.react(gd, figure.data, figure.layout, config))
      .then(drawn)
      .catch((err) => { gd.textContent = String(err.message || err); drawn(); });
  }
  return () => {                              // unmounted (another tab)
    if (gd.__gsObserver) gd.__gsObserver.disconnect();
    gd.__gsObserver = null;
    if (window.Plotly) window.Plotly.purge(gd);
  };
}

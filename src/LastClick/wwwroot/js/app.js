// LastClick dashboard behaviour: charts, copy buttons, QR codes. No inline scripts (the pages' CSP forbids them).
(function () {
  "use strict";

  const palette = { clicks: "#0b6bcb", orders: "#8250df", pending: "#9a6700", confirmed: "#0b6bcb", payable: "#1f883d", paid: "#116329", declined: "#cf222e" };

  function drawCharts(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-series]").forEach(async function (canvas) {
      if (canvas.dataset.drawn) return;
      canvas.dataset.drawn = "1";
      const response = await fetch(canvas.dataset.series, { headers: { "Accept": "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      const kind = canvas.dataset.kind;
      const datasets = kind === "traffic"
        ? [
            { type: "bar", label: "Clicks", data: data.clicks, backgroundColor: palette.clicks, yAxisID: "y" },
            { type: "line", label: "Orders", data: data.orders, borderColor: palette.orders, backgroundColor: palette.orders, yAxisID: "y1", tension: 0.2 },
          ]
        : ["pending", "confirmed", "payable", "paid", "declined"].map(function (status) {
            return { type: "bar", label: status, data: data.commission[status], backgroundColor: palette[status], stack: "c" };
          });
      const scales = kind === "traffic"
        ? { y: { beginAtZero: true, position: "left" }, y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } } }
        : { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: data.currency || "" } } };
      const chart = new Chart(canvas, { data: { labels: data.days, datasets: datasets }, options: { responsive: true, maintainAspectRatio: false, animation: false, scales: scales } });
      canvas.chart = chart;
      canvas.dataset.total = JSON.stringify(kind === "traffic" ? { clicks: sum(data.clicks), orders: sum(data.orders) } : data.totals);
      canvas.dispatchEvent(new CustomEvent("lastclick:drawn", { bubbles: true }));
    });
  }

  function sum(values) { return values.reduce(function (a, b) { return a + b; }, 0); }

  function drawQr(root) {
    if (typeof qrcode === "undefined") return;
    root.querySelectorAll("canvas[data-qr]").forEach(function (canvas) {
      const qr = qrcode(0, "M");
      qr.addData(canvas.dataset.qr);
      qr.make();
      const count = qr.getModuleCount(), cell = 4, margin = 4 * cell, size = count * cell + 2 * margin;
      canvas.width = size; canvas.height = size;
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, size, size); ctx.fillStyle = "#000";
      for (let r = 0; r < count; r++) for (let c = 0; c < count; c++) if (qr.isDark(r, c)) ctx.fillRect(margin + c * cell, margin + r * cell, cell, cell);
    });
  }

  document.addEventListener("click", async function (e) {
    const button = e.target.closest("button[data-copy]");
    if (!button) return;
    e.preventDefault();
    const input = document.getElementById(button.dataset.copy);
    try { await navigator.clipboard.writeText(input.value); } catch (_) { input.select(); document.execCommand("copy"); }
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(function () { button.textContent = label; }, 1500);
  });

  // A refused form comes back as a page (400 with its problem) and is swapped in; an answer that is not a page (an
  // expired antiforgery token, a rate limit) must not blank the page: the browser reloads it instead.
  document.addEventListener("htmx:beforeSwap", function (e) {
    const xhr = e.detail.xhr;
    if (xhr.status >= 400 && xhr.responseText.indexOf("<main") < 0) { e.detail.shouldSwap = false; window.location.reload(); }
  });

  function init(root) { drawCharts(root); drawQr(root); }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();

// LastClick dashboard behaviour: charts, copy buttons, QR codes. No inline scripts (the pages' CSP forbids them).
(function () {
  "use strict";

  // Styles that only make sense with this script (the phone menu, the language switcher without its button) key on it.
  document.documentElement.classList.add("js");

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
      // The series' names in the page's language (the page writes them; English when it does not).
      const names = canvas.dataset.labels ? JSON.parse(canvas.dataset.labels) : {};
      const name = function (key) { return names[key] || key; };
      const datasets = kind === "traffic"
        ? [
            { type: "bar", label: name("clicks"), data: data.clicks, backgroundColor: palette.clicks, yAxisID: "y" },
            { type: "line", label: name("orders"), data: data.orders, borderColor: palette.orders, backgroundColor: palette.orders, yAxisID: "y1", tension: 0.2 },
          ]
        : ["pending", "confirmed", "payable", "paid", "declined"].map(function (status) {
            return { type: "bar", label: name(status), data: data.commission[status], backgroundColor: palette[status], stack: "c" };
          });
      const scales = kind === "traffic"
        ? { y: { beginAtZero: true, position: "left" }, y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } } }
        : { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: data.currency || "" } } };
      const chart = new Chart(canvas, { data: { labels: data.days.map(day), datasets: datasets }, options: { responsive: true, maintainAspectRatio: false, animation: false, scales: scales } });
      canvas.chart = chart;
      canvas.dataset.total = JSON.stringify(kind === "traffic" ? { clicks: sum(data.clicks), orders: sum(data.orders) } : data.totals);
      canvas.dispatchEvent(new CustomEvent("lastclick:drawn", { bubbles: true }));
    });
  }

  // A bar chart whose bars the page writes (data-bars: [{label, value}]): the quality page's "what pays after refunds".
  function drawBars(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-bars]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      canvas.dataset.drawn = "1";
      const bars = JSON.parse(canvas.dataset.bars);
      canvas.chart = new Chart(canvas, {
        type: "bar",
        data: { labels: bars.map(function (b) { return b.label; }), datasets: [{ label: canvas.dataset.title || "", data: bars.map(function (b) { return b.value; }), backgroundColor: palette.payable }] },
        options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false, scales: { x: { beginAtZero: true } } },
      });
      canvas.dispatchEvent(new CustomEvent("lastclick:drawn", { bubbles: true }));
    });
  }

  // The balance page's cash-flow forecast (data-forecast: labels, expected, low, high): expected payments as bars, the band as lines.
  function drawForecast(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-forecast]").forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      canvas.dataset.drawn = "1";
      const f = JSON.parse(canvas.dataset.forecast);
      const names = canvas.dataset.labels ? JSON.parse(canvas.dataset.labels) : {};
      canvas.chart = new Chart(canvas, {
        data: {
          labels: f.labels,
          datasets: [
            { type: "bar", label: names.expected || "expected", data: f.expected, backgroundColor: palette.payable },
            { type: "line", label: names.low || "low", data: f.low, borderColor: palette.pending, borderDash: [4, 4], pointRadius: 0, fill: false },
            { type: "line", label: names.high || "high", data: f.high, borderColor: palette.confirmed, borderDash: [4, 4], pointRadius: 0, fill: false },
          ],
        },
        options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } },
      });
      canvas.dispatchEvent(new CustomEvent("lastclick:drawn", { bubbles: true }));
    });
  }

  // A day (2026-11-05) as the page's language writes it short ("5 nov."), read as UTC so it never shifts a day.
  const dayFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { day: "numeric", month: "short", timeZone: "UTC" });
  function day(text) {
    return /^\d{4}-\d{2}-\d{2}$/.test(text) ? dayFormat.format(new Date(text + "T00:00:00Z")) : text;
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
    button.textContent = button.dataset.copied || "Copied";
    setTimeout(function () { button.textContent = label; }, 1500);
  });

  // A refused form comes back as a page (400 with its problem) and is swapped in; an answer that is not a page (an
  // expired antiforgery token, a rate limit) must not blank the page: the browser reloads it instead.
  document.addEventListener("htmx:beforeSwap", function (e) {
    const xhr = e.detail.xhr;
    if (xhr.status >= 400 && xhr.responseText.indexOf("<main") < 0) { e.detail.shouldSwap = false; window.location.reload(); }
  });

  // The phone menu: the header's navigation folds behind one button below 640 px.
  document.addEventListener("click", function (e) {
    const toggle = e.target.closest("button[data-menu]");
    if (!toggle) return;
    const header = toggle.closest("header");
    const open = header.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });

  // The language switcher changes the page as soon as a language is picked (its button is for pages without script).
  document.addEventListener("change", function (e) {
    const select = e.target.closest("select[data-submit-on-change]");
    if (select && select.form) select.form.requestSubmit();
  });

  // A select whose choices depend on another (the feed form's markets and languages on its program): only the option
  // groups of the chosen program stay, and a choice that left with its group moves to the first one that stayed.
  function follow(root) {
    root.querySelectorAll("select[data-follows]").forEach(function (select) {
      const leader = document.getElementById(select.dataset.follows);
      if (!leader) return;
      const apply = function () {
        select.querySelectorAll("optgroup[data-program]").forEach(function (group) {
          const mine = group.dataset.program === leader.value;
          group.hidden = !mine;
          group.disabled = !mine;
        });
        const chosen = select.options[select.selectedIndex];
        if (!chosen || chosen.parentElement.disabled) {
          const first = select.querySelector("optgroup:not([disabled]) option");
          if (first) first.selected = true;
        }
      };
      leader.addEventListener("change", apply);
      apply();
    });
  }

  // A product picture that does not load (gone from the marketplace's servers) leaves no broken-image icon.
  document.addEventListener("error", function (e) {
    if (e.target instanceof HTMLImageElement && e.target.closest(".product")) e.target.hidden = true;
  }, true);

  function init(root) { drawCharts(root); drawBars(root); drawForecast(root); drawQr(root); follow(root); }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();

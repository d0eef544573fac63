// Small enhancements; every page works without JavaScript.

// Copy a section's link (with ?q= when the page has one, so the marks come back); announce it.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy");
  if (!button) return;
  var url = new URL(button.dataset.href, window.location.origin).href;
  var live = document.getElementById("live");
  var done = function () {
    button.classList.add("done");
    button.textContent = "已复制";
    if (live) live.textContent = "已复制链接";
    setTimeout(function () {
      button.classList.remove("done");
      button.textContent = "复制链接";
      if (live) live.textContent = "";
    }, 1600);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(url).then(done, function () { window.prompt("复制这个链接：", url); });
  } else {
    window.prompt("复制这个链接：", url);
  }
});

// A chart is one Tab stop: arrow keys move between its points (up/down between lines), Home/End jump.
document.addEventListener("keydown", function (event) {
  var chart = event.target.closest && event.target.closest("[data-roving]");
  if (!chart || !event.target.matches("a")) return;
  var here = event.target;
  var series = here.closest("[data-series]");
  var row = Array.prototype.slice.call((series || chart).querySelectorAll("a"));
  var i = row.indexOf(here);
  var next = null;
  if (event.key === "ArrowRight") next = row[i + 1];
  else if (event.key === "ArrowLeft") next = row[i - 1];
  else if (event.key === "Home") next = row[0];
  else if (event.key === "End") next = row[row.length - 1];
  else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && series) {
    var groups = Array.prototype.slice.call(chart.querySelectorAll("[data-series]:not(.off)"));
    var other = groups[groups.indexOf(series) + (event.key === "ArrowDown" ? 1 : -1)];
    if (other) {
      var year = here.dataset.year;
      next = other.querySelector('a[data-year="' + year + '"]') || other.querySelector("a");
    }
  }
  if (!next) return;
  event.preventDefault();
  here.setAttribute("tabindex", "-1");
  next.setAttribute("tabindex", "0");
  next.focus();
  var box = chart.parentElement;
  if (box && box.scrollWidth > box.clientWidth) {  // keep the focused point in view on a phone
    var r = next.getBoundingClientRect(), b = box.getBoundingClientRect();
    if (r.left < b.left || r.right > b.right) box.scrollLeft += r.left - b.left - b.width / 2;
  }
});

// The trend chart: a legend key shows or hides its line; pointing at a year or focusing a point shows
// every shown line's value that year beside it (the points' titles say the same without a script).
document.querySelectorAll(".trend-chart").forEach(function (figure) {
  var svg = figure.querySelector("svg.plot");
  var tip = figure.querySelector(".tip");
  var guide = svg.querySelector(".guide");
  var first = Number(svg.dataset.first), count = Number(svg.dataset.count);
  var SVG = "http://www.w3.org/2000/svg";
  figure.querySelectorAll(".js-only").forEach(function (e) { e.hidden = false; });  // what only works with this script

  figure.querySelectorAll("button.key").forEach(function (button) {
    button.disabled = false;
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      var i = button.dataset.series;
      button.setAttribute("aria-pressed", String(on));
      svg.querySelectorAll('[data-series="' + i + '"], [data-line="' + i + '"]').forEach(function (e) {
        e.classList.toggle("off", !on);
      });
      keepTabStop();
      hide();
    });
  });

  function keepTabStop() {  // the chart's one Tab stop must stay on a shown point
    var stop = svg.querySelector('a.pt[tabindex="0"]');
    if (stop && !stop.closest(".off")) return;
    var next = svg.querySelector("g[data-series]:not(.off) a.pt");
    if (stop && next) {
      stop.setAttribute("tabindex", "-1");
      next.setAttribute("tabindex", "0");
    }
  }

  function show(year, here, y) {
    var rows = [];
    svg.querySelectorAll("g[data-series]:not(.off)").forEach(function (g) {
      var pt = g.querySelector('a.pt[data-year="' + year + '"]');
      rows.push({ g: g, pt: pt });
    });
    var bar = svg.querySelector('rect[data-year="' + year + '"]');
    tip.textContent = "";
    var head = document.createElement("p");
    head.className = "year";
    head.textContent = year + " 年" + (bar ? "（收录 " + bar.dataset.indexed + " 篇）" : "");
    tip.appendChild(head);
    svg.querySelectorAll("a.pt.hot").forEach(function (a) { a.classList.remove("hot"); });
    rows.forEach(function (r) {
      var line = document.createElement("p");
      line.className = "s" + r.g.dataset.series + (r.pt && r.pt === here ? " here" : "");
      var key = document.createElementNS(SVG, "svg");
      key.setAttribute("width", "12");
      key.setAttribute("height", "12");
      var use = document.createElementNS(SVG, "use");
      use.setAttribute("href", "#tmk" + r.g.dataset.series);
      use.setAttribute("x", "6");
      use.setAttribute("y", "6");
      use.setAttribute("class", "mark");
      key.appendChild(use);
      line.appendChild(key);
      line.appendChild(document.createTextNode(r.g.dataset.query + "：" + (r.pt ? r.pt.dataset.value : "当年未收录报告")));
      tip.appendChild(line);
      if (r.pt) r.pt.classList.add("hot");
    });
    var x = (year - first + 0.5) / count * 100 + "%";
    guide.setAttribute("x1", x);
    guide.setAttribute("x2", x);
    guide.setAttribute("visibility", "visible");
    tip.hidden = false;
    var box = tip.parentElement.getBoundingClientRect(), plot = svg.getBoundingClientRect();
    var px = plot.left - box.left + (year - first + 0.5) / count * plot.width;
    var py = y - box.top, w = tip.offsetWidth, h = tip.offsetHeight, left, top;
    if (px + 14 + w <= box.width || px - 14 - w >= 0) {  // beside the year, else above or below the point
      left = px + 14 + w <= box.width ? px + 14 : px - 14 - w;
      top = Math.min(Math.max(0, py - h / 2), box.height - h);
    } else {
      left = Math.min(Math.max(0, px - w / 2), box.width - w);
      top = py - 14 - h >= 0 ? py - 14 - h : py + 14;
    }
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  function hide() {
    tip.hidden = true;
    guide.setAttribute("visibility", "hidden");
    svg.querySelectorAll("a.pt.hot").forEach(function (a) { a.classList.remove("hot"); });
  }

  svg.addEventListener("pointermove", function (event) {
    var plot = svg.getBoundingClientRect();
    var k = Math.floor((event.clientX - plot.left) / plot.width * count);
    if (k < 0 || k >= count) return hide();
    var line = event.target.closest && event.target.closest("g[data-series]");  // over a line's point: its value first
    show(first + k, line && line.querySelector('a.pt[data-year="' + (first + k) + '"]'), event.clientY);
  });
  svg.addEventListener("pointerleave", function () {
    var focused = svg.querySelector("a.pt:focus");
    if (focused) showPoint(focused); else hide();
  });
  function showPoint(a) {
    var r = a.querySelector(".mark").getBoundingClientRect();
    show(Number(a.dataset.year), a, r.top + r.height / 2);
  }
  // on the figure, not the SVG: Chromium makes an SVG element with focus listeners a Tab stop of its own
  figure.addEventListener("focusin", function (event) {
    var a = event.target.closest("a.pt");
    if (a) showPoint(a);
  });
  figure.addEventListener("focusout", hide);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !tip.hidden) hide();
  });
});

// On a phone, filters and charts start folded so the results are one swipe away.
if (window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
  document.querySelectorAll("details[data-collapse-narrow]").forEach(function (d) { d.open = false; });
}

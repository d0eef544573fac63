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
// On touch there is no pointing: the first tap on a point shows that year's values, each a link to its
// results; a second tap on the point (or a tap on a value) opens them; a click or Enter opens them at once.
document.querySelectorAll(".trend-chart").forEach(function (figure) {
  var svg = figure.querySelector("svg.plot");
  var tip = figure.querySelector(".tip");
  var guide = svg.querySelector(".guide");
  var first = Number(svg.dataset.first), count = Number(svg.dataset.count);
  var SVG = "http://www.w3.org/2000/svg";
  var pointer = "";  // how the last press was made: "touch", "mouse", "pen", or "" after a key
  var tapped = null;  // the point a tap showed: the next tap on it follows its link
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
      rebands();
      keepTabStop();
      hide();
    });
  });

  // Each point owns a band of its year's column, from halfway to the point above to halfway to the one
  // below (trendchart.bands): a hidden line's points give theirs up to the points still shown.
  function rebands() {
    var EDGE = 3;  // percent past the plot's top and bottom, as trendchart.EDGE
    var byYear = {};
    svg.querySelectorAll("g[data-series]:not(.off) a.pt").forEach(function (a) {
      (byYear[a.dataset.year] = byYear[a.dataset.year] || []).push({
        rect: a.querySelector("rect.hitarea"), y: parseFloat(a.querySelector("circle.ring").getAttribute("cy"))});
    });
    Object.keys(byYear).forEach(function (year) {
      var pts = byYear[year].sort(function (p, q) { return p.y - q.y; });
      pts.forEach(function (p, k) {
        var top = Math.min(k ? (pts[k - 1].y + p.y) / 2 : -EDGE, p.y - 0.1);
        var bottom = Math.max(k < pts.length - 1 ? (p.y + pts[k + 1].y) / 2 : 100 + EDGE, p.y + 0.1);
        p.rect.setAttribute("y", top.toFixed(2) + "%");
        p.rect.setAttribute("height", (bottom - top).toFixed(2) + "%");
      });
    });
  }

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
    var links = Boolean(here && here === tapped);  // shown by a tap: each line's value is a link to its results
    tip.classList.toggle("tapped", links);
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
      var text = document.createTextNode(r.g.dataset.query + "：" + (r.pt ? r.pt.dataset.value : "当年未收录报告"));
      var holder = line;
      if (links && r.pt) {
        holder = document.createElement("a");
        holder.href = r.pt.getAttribute("href");
        line.appendChild(holder);
      }
      holder.appendChild(key);
      holder.appendChild(text);
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
    tapped = null;
    tip.classList.remove("tapped");
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
  svg.addEventListener("pointerleave", function (event) {
    if (event.pointerType === "touch") return;  // a finger lifted: the tapped point's values stay
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
  figure.addEventListener("focusout", function (event) {
    if (!(event.relatedTarget && tip.contains(event.relatedTarget))) hide();  // not on the way to the box's link
  });
  // The point under the finger is the one pressed: the click after a tap goes to the link the browser
  // guesses a finger meant (touch adjustment), which may be a neighbour whose area covers more of the finger.
  var pressed = null;
  document.addEventListener("pointerdown", function (event) {
    pointer = event.pointerType;
    pressed = event.target.closest && event.target.closest("svg.plot a.pt");
  }, true);
  document.addEventListener("keydown", function () { pointer = ""; }, true);
  svg.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest("a.pt");
    if (!a || pointer !== "touch") return;  // a click or Enter: follow it
    var here = pressed || a;
    if (here === tapped && here === a) return;  // the second tap: follow it
    event.preventDefault();
    if (here === tapped) {
      window.location.assign(here.getAttribute("href"));
      return;
    }
    tapped = here;
    showPoint(here);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !tip.hidden) hide();
  });
});

// On a phone, filters and charts start folded so the results are one swipe away, unless a box there
// says why its value was not used.
if (window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
  document.querySelectorAll("details[data-collapse-narrow]").forEach(function (d) {
    if (!d.querySelector(".field-error")) { d.open = false; }
  });
}

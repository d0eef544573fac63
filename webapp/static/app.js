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
    var groups = Array.prototype.slice.call(chart.querySelectorAll("[data-series]"));
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

// On a phone, filters and charts start folded so the results are one swipe away, unless a box there
// says why its value was not used.
if (window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
  document.querySelectorAll("details[data-collapse-narrow]").forEach(function (d) {
    if (!d.querySelector(".field-error")) { d.open = false; }
  });
}

// Copy a section's permanent link. Everything else works without JavaScript.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.copy");
  if (!button) return;
  var url = new URL(button.dataset.href, window.location.origin).href;
  var done = function () {
    button.classList.add("done");
    button.textContent = "已复制";
    setTimeout(function () { button.classList.remove("done"); button.textContent = "复制链接"; }, 1600);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(url).then(done, function () { window.prompt("复制这个链接：", url); });
  } else {
    window.prompt("复制这个链接：", url);
  }
});

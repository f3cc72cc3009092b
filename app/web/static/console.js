// Small helpers; every page works without them.
document.addEventListener("submit", function (e) {
  var form = e.target;
  var ask = form.getAttribute("data-confirm");
  if (ask && !window.confirm(ask)) { e.preventDefault(); return; }
  var button = form.querySelector("button[type=submit]");
  if (button && form.method.toLowerCase() === "post" && !form.hasAttribute("data-download")) {
    // Keep a double click from submitting twice; the page reloads after the post.
    window.setTimeout(function () { button.disabled = true; }, 0);
    if (button.getAttribute("data-busy")) { button.textContent = button.getAttribute("data-busy"); }
  }
});

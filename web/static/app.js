// Page behaviour without inline scripts (the Content-Security-Policy allows none).
"use strict";
function showNetError() {
  var banner = document.getElementById("net-error");
  if (banner) { banner.hidden = false; }
}
document.addEventListener("htmx:responseError", showNetError);
document.addEventListener("htmx:sendError", showNetError);
// A read-only field holding a link selects itself when clicked, ready to copy.
document.addEventListener("click", function (event) {
  var target = event.target;
  if (!(target instanceof Element)) { return; }
  if (target.matches("input[data-select]")) { target.select(); }
  if (target.closest("[data-print]")) { event.preventDefault(); window.print(); }
});

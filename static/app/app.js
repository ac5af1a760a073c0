// poolcrm: confirmation before destructive actions, and select-all for list pages.
// Everything here is an enhancement: without it, forms and links still work.
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

document.addEventListener("change", function (event) {
  const all = event.target.closest("input[data-select-all]");
  if (!all) return;
  const scope = document.querySelector(all.dataset.selectAll);
  if (!scope) return;
  scope.querySelectorAll("input[type=checkbox][name=ids]").forEach(function (box) {
    box.checked = all.checked;
  });
});

// A customer's tabs swap only the pane below them: mark the tab the new pane shows.
document.addEventListener("htmx:afterSettle", function () {
  const pane = document.getElementById("tab-pane");
  if (!pane) return;
  document.querySelectorAll(".nav-tabs a[data-tab]").forEach(function (link) {
    const shown = link.dataset.tab === pane.dataset.tab;
    link.classList.toggle("active", shown);
    if (shown) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
});

// Inline handlers are not allowed by the Content-Security-Policy: these stand for them.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
document.addEventListener("change", function (event) {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) field.form.submit();
});

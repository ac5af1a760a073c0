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

// --- Panels, results and the skip link (issue 15) ------------------------------------------
// A panel marked data-dismissible (Assign…, Share…) is an overlay: one is open at a time, its
// pickers start empty each time it opens (a share must not reuse whom an earlier unshare
// chose), and Esc, a click outside, its close button or the action it sends close it.
function openPanels() {
  return document.querySelectorAll("details[data-dismissible][open]");
}

function closePanel(panel, returnFocus) {
  panel.open = false;
  if (returnFocus) panel.querySelector("summary").focus();
}

function clearPickers(panel) {
  panel.querySelectorAll("select").forEach(function (select) {
    Array.from(select.options).forEach(function (option) { option.selected = false; });
    if (!select.multiple) select.selectedIndex = 0;
  });
}

// On the summary's click, before the browser opens the panel: a test or a quick hand can
// pick at once, and finds the picker already cleared.
document.addEventListener("click", function (event) {
  const summary = event.target.closest("details[data-dismissible] > summary");
  if (!summary) return;
  const panel = summary.parentElement;
  if (panel.open) return;
  clearPickers(panel);
  openPanels().forEach(function (other) { if (other !== panel) closePanel(other, false); });
});

document.addEventListener("click", function (event) {
  const close = event.target.closest("[data-close-panel]");
  if (close) {
    closePanel(close.closest("details"), true);
    return;
  }
  openPanels().forEach(function (panel) {
    if (!panel.contains(event.target)) closePanel(panel, false);
  });
});

document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  openPanels().forEach(function (panel) {
    closePanel(panel, panel.contains(document.activeElement));
  });
});

// The action a panel's button sent is done: close the panel, so the result it left in the
// list is not hidden under it.
document.addEventListener("htmx:afterRequest", function (event) {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement)) return;
  form.querySelectorAll("details[data-dismissible][open]").forEach(function (panel) {
    clearPickers(panel);
    closePanel(panel, false);
  });
});

// After a batch action, focus goes to its per-record result (SPEC L7), swapped in by HTMX
// or shown on the page the action went back to.
function focusBatchResult() {
  const result = document.querySelector("[data-testid=batch-result]:not([data-announced])");
  if (!result) return;
  result.setAttribute("data-announced", "");
  result.focus();
}
document.addEventListener("DOMContentLoaded", focusBatchResult);
document.addEventListener("htmx:afterSettle", focusBatchResult);

// Sorted column headings say so to screen readers, on tables whose heading cells come from
// templates that only hold the sort link (customers/_sort.html).
function markSortedColumns() {
  document.querySelectorAll("th > a[data-sort]").forEach(function (link) {
    const th = link.parentElement;
    const state = { asc: "ascending", desc: "descending" }[link.dataset.sort];
    if (state) th.setAttribute("aria-sort", state);
    else th.removeAttribute("aria-sort");
  });
}
document.addEventListener("DOMContentLoaded", markSortedColumns);
document.addEventListener("htmx:afterSettle", markSortedColumns);

// The skip link moves focus into the page's main content, not only its scroll position.
document.addEventListener("click", function (event) {
  const skip = event.target.closest("a.skip-link");
  if (!skip) return;
  const target = document.querySelector(skip.getAttribute("href"));
  if (!target) return;
  event.preventDefault();
  target.setAttribute("tabindex", "-1");
  target.focus();
});

// --- A customer's tabs, the language switch, query strings (issue 15) ---------------------
// The tab strip scrolls sideways on a narrow screen: keep the marked tab in sight.
function showMarkedTab() {
  const strip = document.querySelector(".nav-tabs.tab-strip");
  const marked = strip && strip.querySelector(".nav-link.active");
  if (!marked) return;
  const box = strip.getBoundingClientRect();
  const tab = marked.getBoundingClientRect();
  if (tab.left < box.left) strip.scrollLeft -= box.left - tab.left + 16;
  else if (tab.right > box.right) strip.scrollLeft += tab.right - box.right + 16;
}
document.addEventListener("DOMContentLoaded", showMarkedTab);
document.addEventListener("htmx:afterSettle", showMarkedTab);

// HTMX changes the address (the tab, a search, a filter) without reloading the page: a
// language switch goes back to the address shown now, not the one the page was loaded at.
// Capture phase: this runs before the change submits the form.
document.addEventListener("change", function (event) {
  const form = event.target.form;
  const next = form && form.querySelector("input[data-current-address]");
  if (next) next.value = location.pathname + location.search + location.hash;
}, true);

// A query string holds what was asked, once: no empty fields ("?search=&status="), and no
// parameter twice ("tab=contracts&tab=contracts").
function keepOnce(pairs) {
  const seen = new Set();
  const kept = new URLSearchParams();
  pairs.forEach(function (pair) {
    const key = pair[0], value = pair[1];
    if (typeof value !== "string" || value === "") return;
    const id = JSON.stringify(pair);
    if (seen.has(id)) return;
    seen.add(id);
    kept.append(key, value);
  });
  return kept;
}

// A GET form the browser itself submits (without HTMX).
document.addEventListener("formdata", function (event) {
  const form = event.target;
  if ((form.getAttribute("method") || "").toLowerCase() !== "get") return;
  if (["hx-post", "hx-put", "hx-patch", "hx-delete"].some(function (a) { return form.hasAttribute(a); })) return;
  const data = event.formData;
  const kept = keepOnce(Array.from(data.entries()));
  Array.from(new Set(data.keys())).forEach(function (key) { data.delete(key); });
  kept.forEach(function (value, key) { data.append(key, value); });
}, true);

// A GET request HTMX sends. The address holds the list's state (tab, order, page size),
// which a link or the search form changes in part: a parameter of the request replaces
// the address's, so does every field of the form (an emptied one too), and a new search
// starts again at the first page. A hidden field only carries that state for a browser
// without HTMX, and yields to the address, which HTMX may have changed since.
const PAGE_PARAMS = new Set(["page", "cursor"]);
document.addEventListener("htmx:configRequest", function (event) {
  const detail = event.detail;
  if (!detail.useUrlParams) return;
  const url = new URL(detail.path, location.href);
  const data = detail.formData;
  const form = detail.elt instanceof HTMLFormElement ? detail.elt : null;
  const replaced = new Set(form ? [] : data.keys());
  const hidden = new Set();
  if (form) {
    Array.from(form.elements).forEach(function (field) {
      if (!field.name) return;
      (field.type === "hidden" ? hidden : replaced).add(field.name);
    });
  }
  const kept = Array.from(url.searchParams.entries()).filter(function (pair) {
    return !replaced.has(pair[0]) && !(form && PAGE_PARAMS.has(pair[0]));
  });
  const sent = Array.from(data.entries()).filter(function (pair) {
    return replaced.has(pair[0]) || !(hidden.has(pair[0]) && url.searchParams.has(pair[0]));
  });
  Array.from(new Set(data.keys())).forEach(function (key) { data.delete(key); });
  url.search = keepOnce(kept.concat(sent)).toString();
  detail.path = url.pathname + url.search + url.hash;
});

// Export links: the list as the address shows it now (HTMX may have searched, filtered or
// sorted it since the page loaded), from its first row, in the link's format.
document.addEventListener("click", function (event) {
  const link = event.target.closest("a[data-export]");
  if (!link) return;
  const target = new URL(link.href, window.location.href);
  const params = new URLSearchParams(window.location.search);
  ["cursor", "page", "print"].forEach(function (name) { params.delete(name); });
  params.set("format", target.searchParams.get("format") || "csv");
  link.href = target.pathname + "?" + params.toString();
});

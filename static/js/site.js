// Tier tabs follow the WAI-ARIA tabs pattern: one tab in the Tab order, arrow keys move
// between tabs, Enter or Space opens one. Without JavaScript every tab is a plain link.
(function () {
  "use strict";

  let focusTabAfterSwap = false;

  function setUpTablist(tablist) {
    const tabs = Array.from(tablist.querySelectorAll('[role="tab"]'));
    tabs.forEach(function (tab) {
      tab.tabIndex = tab.getAttribute("aria-selected") === "true" ? 0 : -1;
    });
    tablist.addEventListener("keydown", function (event) {
      const index = tabs.indexOf(document.activeElement);
      if (index === -1) return;
      let next;
      switch (event.key) {
        case "ArrowRight": next = (index + 1) % tabs.length; break;
        case "ArrowLeft": next = (index - 1 + tabs.length) % tabs.length; break;
        case "Home": next = 0; break;
        case "End": next = tabs.length - 1; break;
        case " ":
          event.preventDefault();
          tabs[index].click();
          return;
        default: return;
      }
      event.preventDefault();
      tabs.forEach(function (tab) { tab.tabIndex = -1; });
      tabs[next].tabIndex = 0;
      tabs[next].focus();
    });
  }

  htmx.onLoad(function (root) {
    const tablists = root.matches && root.matches('[role="tablist"]')
      ? [root]
      : Array.from(root.querySelectorAll('[role="tablist"]'));
    tablists.forEach(setUpTablist);
    // The tab that was clicked is replaced by the swap; keep keyboard focus on its successor.
    if (focusTabAfterSwap) {
      const selected = root.querySelector('[role="tab"][aria-selected="true"]');
      if (selected) selected.focus();
      focusTabAfterSwap = false;
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    focusTabAfterSwap = event.detail.elt.getAttribute("role") === "tab";
  });
})();

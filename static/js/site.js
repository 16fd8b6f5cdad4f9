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

// After htmx replaces a region, put keyboard focus back on the element that had it (the
// diagram node or link the reader used has the same id in the new markup), and keep the
// map's sideways scroll on a phone.
(function () {
  "use strict";

  let focusedId = null;
  let mapScroll = null;

  document.addEventListener("htmx:beforeSwap", function () {
    const active = document.activeElement;
    focusedId = active && active.id && active.getAttribute("role") !== "tab" ? active.id : null;
    const scroller = document.querySelector(".map-scroll");
    mapScroll = scroller ? scroller.scrollLeft : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    const scroller = document.querySelector(".map-scroll");
    if (scroller && mapScroll !== null) scroller.scrollLeft = mapScroll;
    if (focusedId) {
      const again = document.getElementById(focusedId);
      if (again) again.focus({ preventScroll: true });
    }
    focusedId = null;
  });
})();

// Links from an article into the map ([[slug]] in Markdown) show a short preview of the node
// on hover or focus, loaded with htmx from the node's /preview/ URL. Escape hides it.
(function () {
  "use strict";

  let card = null;
  let owner = null;
  let hideTimer = null;
  const loaded = new Map();

  function ensureCard() {
    if (card) return card;
    card = document.createElement("div");
    card.className = "node-card";
    card.id = "node-card";
    card.setAttribute("role", "tooltip");
    card.hidden = true;
    card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    card.addEventListener("mouseleave", scheduleHide);
    document.body.appendChild(card);
    return card;
  }

  function place(link) {
    const box = link.getBoundingClientRect();
    const width = Math.min(352, document.documentElement.clientWidth - 16);
    const left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
    card.style.left = left + window.scrollX + "px";
    card.style.top = box.bottom + window.scrollY + 6 + "px";
  }

  function show(link) {
    clearTimeout(hideTimer);
    ensureCard();
    if (owner && owner !== link) owner.removeAttribute("aria-describedby");
    owner = link;
    const url = new URL("preview/", link.href).pathname;
    place(link);
    link.setAttribute("aria-describedby", card.id);
    if (loaded.has(url)) {
      card.innerHTML = loaded.get(url);
      card.hidden = false;
      return;
    }
    htmx.ajax("GET", url, { target: card, swap: "innerHTML", source: link }).then(function () {
      if (owner !== link) return;
      loaded.set(url, card.innerHTML);
      card.hidden = false;
    });
  }

  function hide() {
    if (card) card.hidden = true;
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 200);
  }

  document.addEventListener("mouseover", function (event) {
    const link = event.target.closest && event.target.closest("a.node-link");
    if (link) show(link);
  });
  document.addEventListener("mouseout", function (event) {
    const link = event.target.closest && event.target.closest("a.node-link");
    if (link && !link.contains(event.relatedTarget)) scheduleHide();
  });
  document.addEventListener("focusin", function (event) {
    const link = event.target.closest && event.target.closest("a.node-link");
    if (link) show(link);
  });
  document.addEventListener("focusout", function (event) {
    if (event.target.closest && event.target.closest("a.node-link")) scheduleHide();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hide();
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target !== card) hide();
  });
})();

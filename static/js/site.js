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

// After htmx replaces a region, put keyboard focus where the reader expects it: on the panel's
// heading after choosing a box of the map, on the chosen button after filtering the map, and
// otherwise back on the element that had it (it has the same id in the new markup). Keep the
// map's sideways scroll on a phone, and say what changed in the map's live region.
(function () {
  "use strict";

  let focusAfterSwap = null;
  let mapScroll = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    const active = document.activeElement;
    const filter = source && source.closest && source.closest(".map-filter");
    if (source && source.matches && source.matches("a.node")) {
      focusAfterSwap = "#panel-heading";
    } else if (filter) {
      focusAfterSwap = filter.classList.contains("timing-filter")
        ? '.timing-filter a[aria-current="true"]'
        : '.map-filter:not(.timing-filter) a[aria-current="true"]';
    } else if (active && active.id && active.getAttribute("role") !== "tab") {
      focusAfterSwap = "#" + CSS.escape(active.id);
    } else {
      focusAfterSwap = null;
    }
    const scroller = document.querySelector(".map-scroll");
    mapScroll = scroller ? scroller.scrollLeft : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    const scroller = document.querySelector(".map-scroll");
    if (scroller && mapScroll !== null) scroller.scrollLeft = mapScroll;
    if (focusAfterSwap) {
      const target = document.querySelector(focusAfterSwap);
      if (target) target.focus({ preventScroll: focusAfterSwap !== "#panel-heading" });
    }
    focusAfterSwap = null;
    const announcer = document.getElementById("map-announcer");
    const explorer = document.getElementById("explorer");
    if (announcer && explorer) announcer.textContent = explorer.dataset.announce || "";
  });
})();

// The map's boxes by keyboard: the map is one Tab stop (the selected box, or the first);
// Up and Down move within a column, Right follows an arrow out of the box and Left an arrow
// into it (to the nearest box at the other end), Home and End go to the first and last box.
// Enter opens a box, as any link. Without JavaScript every box is in the Tab order, column by
// column, top to bottom.
(function () {
  "use strict";

  function setUpMap(svg) {
    const boxes = Array.from(svg.querySelectorAll("a.node"));
    if (!boxes.length) return;
    const current = svg.querySelector('a.node[aria-current="true"]') || boxes[0];
    boxes.forEach(function (box) { box.setAttribute("tabindex", box === current ? "0" : "-1"); });

    function first(ids) {
      const id = (ids || "").split(" ")[0];
      return id ? document.getElementById(id) : null;
    }

    svg.addEventListener("keydown", function (event) {
      const box = event.target.closest && event.target.closest("a.node");
      if (!box) return;
      const column = boxes.filter(function (other) {
        return other.dataset.column === box.dataset.column;
      });
      const index = column.indexOf(box);
      let next = null;
      switch (event.key) {
        case "ArrowDown": next = column[index + 1]; break;
        case "ArrowUp": next = column[index - 1]; break;
        case "ArrowRight": next = first(box.dataset.out); break;
        case "ArrowLeft": next = first(box.dataset.in); break;
        case "Home": next = boxes[0]; break;
        case "End": next = boxes[boxes.length - 1]; break;
        default: return;
      }
      event.preventDefault();
      if (!next) return;
      boxes.forEach(function (other) { other.setAttribute("tabindex", "-1"); });
      next.setAttribute("tabindex", "0");
      next.focus();
    });
  }

  htmx.onLoad(function (root) {
    const maps = root.matches && root.matches("svg.diagram")
      ? [root]
      : Array.from(root.querySelectorAll("svg.diagram"));
    maps.forEach(setUpMap);
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

// On a narrow screen the map is drawn at a size to read and is panned sideways; a button
// switches between that and the whole map fitted to the screen (pinch zoom works as well).
(function () {
  "use strict";

  let fitted = false;

  function addZoom(figure) {
    if (figure.querySelector(".map-zoom")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "map-zoom";
    button.textContent = "Fit map to screen";
    function show() {
      figure.classList.toggle("is-fitted", fitted);
      button.setAttribute("aria-pressed", fitted ? "true" : "false");
    }
    button.addEventListener("click", function () { fitted = !fitted; show(); centre(figure); });
    figure.insertBefore(button, figure.firstChild);
    show();
  }

  // A phone sees the map through a window smaller than the map: start it at the chosen box,
  // or else at the kinds of exercise, where the map begins.
  function centre(figure) {
    const scroller = figure.querySelector(".map-scroll");
    const box = figure.querySelector(".node[aria-current]") || figure.querySelector(".node.is-highlighted") ||
      figure.querySelector(".node.kind-modality");
    if (!scroller || !box) return;
    if (scroller.scrollHeight <= scroller.clientHeight && scroller.scrollWidth <= scroller.clientWidth) return;
    const view = scroller.getBoundingClientRect();
    const place = box.getBoundingClientRect();
    scroller.scrollTop += place.top - view.top - Math.min(view.height / 4, 120);
    scroller.scrollLeft += place.left - view.left - (view.width - place.width) / 2;
  }

  htmx.onLoad(function (root) {
    const figures = root.matches && root.matches("figure.map")
      ? [root]
      : Array.from(root.querySelectorAll("figure.map"));
    figures.forEach(function (figure) { addZoom(figure); centre(figure); });
  });
})();

// Switching tier keeps the reader's place (issue 15). Sections of the three tiers that cover
// the same ground share an anchor (content/articles: "## Heading {#anchor}"). A tab opens the
// new tier at the heading that shares the anchor of the section being read (a subsection's own,
// else its section's), with the anchor in the address; without one, at the top of the tier.
// "Go deeper" opens the next tier at its top. Without JavaScript a tab is a link to the tier.
(function () {
  "use strict";

  let pending = null; // the anchors to look for after the swap, most specific first
  let pendingLink = null; // the tab or link whose swap that is (a node card may swap meanwhile)

  function sectionBeingRead(region) {
    const prose = region.querySelector(".prose");
    if (!prose) return [];
    const tabs = region.querySelector(".tier-tabs");
    // The reading line: a quarter of the way down what the sticky tabs leave visible.
    const top = tabs ? Math.max(0, tabs.getBoundingClientRect().bottom) : 0;
    const line = top + (window.innerHeight - top) / 4;
    if (prose.getBoundingClientRect().bottom < line) return []; // past the text: references
    const headings = Array.from(prose.querySelectorAll("h2[id], h3[id]"));
    let index = -1;
    headings.forEach(function (heading, at) {
      if (heading.getBoundingClientRect().top <= line) index = at;
    });
    if (index === -1) return [];
    const anchors = [headings[index].id];
    if (headings[index].tagName === "H3") {
      for (let at = index - 1; at >= 0; at--) {
        if (headings[at].tagName === "H2") { anchors.push(headings[at].id); break; }
      }
    }
    return anchors;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    const link = event.detail.elt;
    const region = link.closest && link.closest("#tier-region");
    if (!region) return;
    if (link.getAttribute("role") === "tab") {
      pending = sectionBeingRead(region);
      pendingLink = link;
    } else if (link.classList.contains("tier-link")) {
      pending = [];
      pendingLink = link;
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    const config = event.detail.requestConfig;
    if (pending === null || !config || config.elt !== pendingLink) return;
    const region = document.getElementById("tier-region");
    const prose = region && region.querySelector(".prose");
    const anchors = pending;
    pending = pendingLink = null;
    if (!prose) return;
    const heading = anchors
      .map(function (id) { return document.getElementById(id); })
      .find(function (found) { return found && prose.contains(found); });
    if (heading) {
      heading.scrollIntoView({ block: "start" });
      history.replaceState(history.state, "", location.pathname + location.search + "#" + heading.id);
    } else if (region.getBoundingClientRect().top < 0) {
      region.scrollIntoView({ block: "start" });
    }
    const selected = region.querySelector('[role="tab"][aria-selected="true"]');
    if (selected && document.activeElement === document.body) selected.focus({ preventScroll: true });
  });
})();

// On a narrow phone the tier tabs may scroll sideways: keep the chosen one in view.
(function () {
  "use strict";

  htmx.onLoad(function (root) {
    const bars = root.matches && root.matches(".tier-tabs")
      ? [root]
      : Array.from(root.querySelectorAll(".tier-tabs"));
    bars.forEach(function (bar) {
      const chosen = bar.querySelector('[aria-selected="true"]');
      if (!chosen || bar.scrollWidth <= bar.clientWidth) return;
      const right = chosen.getBoundingClientRect().right - bar.getBoundingClientRect().left + bar.scrollLeft;
      if (right > bar.scrollLeft + bar.clientWidth) bar.scrollLeft = right - bar.clientWidth;
    });
  });
})();

// Glossary terms in a text (apps/core/rendering.py mark_glossary_terms): the definition shows
// on hover and focus by CSS alone. This keeps it on screen, closes it with Escape, and on a
// touch screen makes the first tap show it (a second tap follows the link to the glossary).
// Without JavaScript the link leads to the definition on /glossary/.
(function () {
  "use strict";

  let lastPointer = "mouse";

  function termOf(node) {
    return node && node.closest ? node.closest(".glossary-term") : null;
  }

  function keepOnScreen(term) {
    const popup = term.querySelector(".glossary-popup");
    if (!popup) return;
    popup.style.left = "";
    const box = popup.getBoundingClientRect();
    if (!box.width) return;
    const room = document.documentElement.clientWidth - 8;
    let shift = 0;
    if (box.right > room) shift = room - box.right;
    if (box.left + shift < 8) shift = 8 - box.left;
    if (shift) popup.style.left = shift + "px";
  }

  function closeAll(except) {
    document.querySelectorAll(".glossary-term.is-open").forEach(function (term) {
      if (term !== except) term.classList.remove("is-open");
    });
  }

  document.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "mouse";
    if (!termOf(event.target)) closeAll(null);
  });
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a.glossary-link");
    if (!link || lastPointer !== "touch") return;
    const term = termOf(link);
    if (term.classList.contains("is-open")) return; // the second tap opens the glossary
    event.preventDefault();
    closeAll(term);
    term.classList.remove("is-dismissed");
    term.classList.add("is-open");
    keepOnScreen(term);
  });
  document.addEventListener("mouseover", function (event) {
    const term = termOf(event.target);
    if (term && !term.contains(event.relatedTarget)) keepOnScreen(term);
  });
  document.addEventListener("mouseout", function (event) {
    const term = termOf(event.target);
    if (term && !term.contains(event.relatedTarget)) term.classList.remove("is-dismissed");
  });
  document.addEventListener("focusin", function (event) {
    const term = termOf(event.target);
    if (term) keepOnScreen(term);
  });
  document.addEventListener("focusout", function (event) {
    const term = termOf(event.target);
    if (term && !term.contains(event.relatedTarget)) {
      term.classList.remove("is-dismissed", "is-open");
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".glossary-term").forEach(function (term) {
      if (term.matches(":hover, :focus-within, .is-open")) {
        term.classList.remove("is-open");
        term.classList.add("is-dismissed");
      }
    });
  });
})();

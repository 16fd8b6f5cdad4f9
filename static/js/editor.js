// The admin's writing tools, added on top of forms that work without them:
// [@key] / [[slug]] autocomplete, tier tabs, a phone-width preview, and up/down buttons that
// reorder aliases, authors and an arrow's references. No framework: htmx fetches the
// autocomplete's options from the server.
(function () {
  "use strict";

  let announcerCount = 0;

  function liveRegion(after) {
    const region = document.createElement("p");
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    region.id = "editor-status-" + ++announcerCount;
    after.after(region);
    return region;
  }

  // Autocomplete ------------------------------------------------------------------------------
  // ARIA 1.2 pattern for a text field with a listbox popup. A textarea keeps its textbox role
  // (combobox is not allowed on it), so it points at the listbox with aria-controls and at the
  // active option with aria-activedescendant; a status line reads out how many matched.

  const TRIGGERS = [
    // [@smi, or a later key in [@a2020; @smi
    { kind: "reference", pattern: /(?:\[@|\[@[^\]\n]*;\s*@)([^\]\n;@[]{1,60})$/, close: "]" },
    { kind: "node", pattern: /\[\[([^\]\n|[]{1,60})$/, close: "]]" },
  ];
  const NOUNS = { reference: ["reference", "references"], node: ["map node", "map nodes"] };

  function caretOffset(textarea, position) {
    // A hidden copy of the textarea, with the same font and wrapping, to find where the caret is.
    const style = window.getComputedStyle(textarea);
    const mirror = document.createElement("div");
    [
      "boxSizing", "width", "borderTopWidth", "borderRightWidth", "borderBottomWidth",
      "borderLeftWidth", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft",
      "fontFamily", "fontSize", "fontWeight", "fontStyle", "lineHeight", "letterSpacing",
      "wordSpacing", "tabSize", "textIndent", "textTransform",
    ].forEach(function (name) { mirror.style[name] = style[name]; });
    mirror.style.position = "absolute";
    mirror.style.visibility = "hidden";
    mirror.style.whiteSpace = "pre-wrap";
    mirror.style.overflowWrap = "break-word";
    mirror.style.top = "0";
    mirror.style.left = "0";
    mirror.textContent = textarea.value.slice(0, position);
    const marker = document.createElement("span");
    marker.textContent = "\u200b";
    mirror.appendChild(marker);
    textarea.parentNode.appendChild(mirror);
    const offset = {
      top: marker.offsetTop - textarea.scrollTop,
      left: marker.offsetLeft,
      height: parseFloat(style.lineHeight) || 20,
    };
    mirror.remove();
    return offset;
  }

  function setUpAutocomplete(textarea) {
    const popup = document.getElementById(textarea.id + "-suggestions");
    const status = document.getElementById(textarea.id + "-suggestions-status");
    if (!popup || !status) return;
    textarea.setAttribute("aria-autocomplete", "list");
    let current = null; // { kind, start, query, close } of the trigger being completed
    let options = [];
    let active = -1;
    let timer = null;

    function close() {
      window.clearTimeout(timer);
      popup.hidden = true;
      popup.replaceChildren();
      textarea.removeAttribute("aria-controls");
      textarea.removeAttribute("aria-activedescendant");
      options = [];
      active = -1;
      current = null;
    }

    function setActive(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index < 0) {
        textarea.removeAttribute("aria-activedescendant");
        return;
      }
      textarea.setAttribute("aria-activedescendant", options[index].id);
    }

    function place() {
      const caret = caretOffset(textarea, current.start);
      const box = textarea.parentNode.getBoundingClientRect();
      const below = Math.min(
        Math.max(caret.top + caret.height, 0), textarea.clientHeight
      );
      popup.style.top = textarea.offsetTop + below + 4 + "px";
      // Under the caret when there is room; on a narrow screen it spans the field.
      const width = Math.min(popup.offsetWidth || 360, box.width);
      popup.style.left = Math.max(0, Math.min(caret.left, box.width - width)) + "px";
    }

    function find() {
      const before = textarea.value.slice(0, textarea.selectionStart);
      if (textarea.selectionStart !== textarea.selectionEnd) return null;
      for (const trigger of TRIGGERS) {
        const match = trigger.pattern.exec(before);
        if (match) {
          return {
            kind: trigger.kind,
            query: match[1],
            start: textarea.selectionStart - match[1].length,
            close: trigger.close,
          };
        }
      }
      return null;
    }

    function ask() {
      const found = find();
      if (!found || !found.query.trim()) {
        close();
        return;
      }
      current = found;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        const params = new URLSearchParams({ kind: found.kind, q: found.query });
        htmx.ajax("GET", textarea.dataset.suggestUrl + "?" + params, {
          source: popup, target: popup, swap: "innerHTML",
        });
      }, 150);
    }

    popup.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target !== popup) return;
      if (!current || document.activeElement !== textarea) {
        close();
        return;
      }
      const listbox = popup.querySelector('[role="listbox"]');
      options = Array.from(popup.querySelectorAll('[role="option"]'));
      options.forEach(function (option, i) { option.id = textarea.id + "-option-" + i; });
      popup.hidden = false;
      place();
      const nouns = NOUNS[current.kind];
      if (listbox) {
        listbox.id = textarea.id + "-listbox";
        textarea.setAttribute("aria-controls", listbox.id);
        setActive(0);
        status.textContent = options.length + " " + nouns[options.length === 1 ? 0 : 1] +
          " found. Up and down arrows to move, Enter to insert, Escape to close.";
      } else {
        textarea.removeAttribute("aria-controls");
        setActive(-1);
        status.textContent = "No matches.";
      }
    });

    function choose(index) {
      const option = options[index];
      if (!option || !current) return;
      const value = textarea.value;
      const end = textarea.selectionStart;
      const after = value.slice(end);
      // Close the citation or link unless the text already does.
      const closing = after.startsWith(current.close) || /^\s*[;|]/.test(after) ? "" : current.close;
      const inserted = option.dataset.insert + closing;
      textarea.value = value.slice(0, current.start) + inserted + after;
      const caret = current.start + inserted.length;
      textarea.setSelectionRange(caret, caret);
      status.textContent = "Inserted " + option.dataset.insert + ".";
      close();
      // The live preview listens for input (hx-trigger="input changed ...").
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    textarea.addEventListener("input", ask);
    textarea.addEventListener("keydown", function (event) {
      if (popup.hidden) return;
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
        status.textContent = "Suggestions closed.";
        return;
      }
      if (!options.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((active + step + options.length) % options.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(active);
      }
    });
    textarea.addEventListener("blur", function () { window.setTimeout(function () {
      if (document.activeElement !== textarea) close();
    }, 150); });
    textarea.addEventListener("click", function () { if (!popup.hidden) ask(); });
    // A pointer may choose too; mousedown would otherwise move focus out of the textarea.
    popup.addEventListener("mousedown", function (event) { event.preventDefault(); });
    popup.addEventListener("click", function (event) {
      const option = event.target.closest('[role="option"]');
      if (option) choose(options.indexOf(option));
    });
  }

  // Preview at phone width --------------------------------------------------------------------

  function setUpWidthToggle(button) {
    const preview = button.closest(".markdown-preview");
    button.addEventListener("click", function () {
      const narrow = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", narrow ? "true" : "false");
      preview.classList.toggle("is-phone-width", narrow);
    });
  }

  // Tier tabs ---------------------------------------------------------------------------------
  // WAI-ARIA tabs with automatic activation: arrow keys, Home and End move between tiers. The
  // first tier with an error opens first; without JavaScript all tiers stay stacked.

  function setUpTierTabs(group) {
    const panels = Array.from(group.querySelectorAll(".inline-related:not(.empty-form)"));
    if (panels.length < 2) return;
    const tablist = document.createElement("div");
    tablist.className = "tier-tablist";
    tablist.setAttribute("role", "tablist");
    tablist.setAttribute("aria-label", "Reading depth to edit");
    const tabs = panels.map(function (panel, index) {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.className = "tier-tab";
      tab.id = panel.id + "-tab";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      const select = panel.querySelector('select[name$="-tier"]');
      const name = document.createElement("span");
      function label() {
        name.textContent = select && select.value
          ? select.options[select.selectedIndex].text : "Depth " + (index + 1);
      }
      label();
      if (select) select.addEventListener("change", label);
      tab.appendChild(name);
      if (panel.hasAttribute("data-has-errors")) {
        tab.classList.add("tier-tab--error");
        const mark = document.createElement("span");
        mark.className = "tier-tab__error";
        mark.textContent = " (needs a fix)";
        tab.appendChild(mark);
      }
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      tablist.appendChild(tab);
      return tab;
    });

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        const selected = i === index;
        tab.setAttribute("aria-selected", selected ? "true" : "false");
        tab.tabIndex = selected ? 0 : -1;
        panels[i].hidden = !selected;
      });
      if (focus) tabs[index].focus();
    }

    tablist.addEventListener("click", function (event) {
      const tab = event.target.closest('[role="tab"]');
      if (tab) select(tabs.indexOf(tab), true);
    });
    tablist.addEventListener("keydown", function (event) {
      const index = tabs.indexOf(document.activeElement);
      if (index === -1) return;
      const moves = {
        ArrowRight: (index + 1) % tabs.length,
        ArrowLeft: (index - 1 + tabs.length) % tabs.length,
        Home: 0,
        End: tabs.length - 1,
      };
      if (!(event.key in moves)) return;
      event.preventDefault();
      select(moves[event.key], true);
    });
    // The browser cannot show a message on a field in a hidden tier: open that tier first.
    group.addEventListener("invalid", function (event) {
      const panel = panels.find(function (p) { return p.contains(event.target); });
      if (panel && panel.hidden) select(panels.indexOf(panel), false);
    }, true);

    panels[0].before(tablist);
    const firstError = panels.findIndex(function (p) { return p.hasAttribute("data-has-errors"); });
    select(Math.max(firstError, 0), false);
  }

  // Reordering --------------------------------------------------------------------------------
  // Real buttons, named after the item they move; focus stays on the button just pressed.

  function moveButton(direction, name) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "reorder-button";
    button.dataset.move = direction;
    const label = direction === "up" ? "Move up" : "Move down";
    button.textContent = label;
    // The name says which item moves; it starts with the visible words, for voice control.
    button.setAttribute("aria-label", label + ": " + name);
    return button;
  }

  function markEdges(buttons, count) {
    buttons.forEach(function (button) {
      const index = Number(button.dataset.index);
      const stuck = button.dataset.move === "up" ? index === 0 : index === count - 1;
      if (stuck) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
    });
  }

  // Aliases and authors: a textarea with one item per line gets a list of the lines with buttons.
  function setUpLineOrder(textarea) {
    const list = document.createElement("ol");
    list.className = "reorder-list";
    const label = document.querySelector('label[for="' + textarea.id + '"]');
    list.setAttribute("aria-label", "Order of " + (label ? label.textContent.replace(/:$/, "") : "lines"));
    textarea.after(list);
    const status = liveRegion(list);

    function lines() {
      return textarea.value.split("\n").map(function (line) { return line.trim(); })
        .filter(Boolean);
    }

    function render() {
      const items = lines();
      list.hidden = items.length < 2;
      list.replaceChildren.apply(list, items.map(function (item, index) {
        const li = document.createElement("li");
        const text = document.createElement("span");
        text.className = "reorder-list__text";
        text.textContent = item;
        const up = moveButton("up", item);
        const down = moveButton("down", item);
        up.dataset.index = down.dataset.index = index;
        li.append(text, up, down);
        return li;
      }));
      markEdges(Array.from(list.querySelectorAll("button")), items.length);
    }

    list.addEventListener("click", function (event) {
      const button = event.target.closest("button");
      if (!button || button.getAttribute("aria-disabled") === "true") return;
      const items = lines();
      const from = Number(button.dataset.index);
      const to = from + (button.dataset.move === "up" ? -1 : 1);
      [items[from], items[to]] = [items[to], items[from]];
      textarea.value = items.join("\n");
      textarea.dispatchEvent(new Event("change", { bubbles: true }));
      render();
      list.querySelector('button[data-index="' + to + '"][data-move="' + button.dataset.move + '"]')
        .focus();
      status.textContent = items[to] + " moved to place " + (to + 1) + " of " + items.length + ".";
    });
    textarea.addEventListener("input", render);
    render();
  }

  // An arrow's references: inline rows with a position field. The buttons move the rows and
  // number the positions 0, 1, 2… in the order shown, which is the order that is saved.
  function setUpRowOrder(group) {
    const container = group.querySelector("fieldset");
    group.classList.add("is-reorderable");
    const status = liveRegion(container);

    function rows() {
      return Array.from(group.querySelectorAll(".inline-related:not(.empty-form)"));
    }
    function positionInput(row) { return row.querySelector('input[name$="-position"]'); }
    function nameOf(row) {
      const select = row.querySelector('select[name$="-reference"]');
      const text = select && select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : "";
      return text.split(":")[0].trim() || "new reference";
    }
    function number() {
      rows().forEach(function (row, index) {
        const input = positionInput(row);
        if (input) input.value = index;
      });
    }
    function labelButtons() {
      const all = rows();
      all.forEach(function (row, index) {
        let controls = row.querySelector(".reorder-controls");
        if (!controls) {
          controls = document.createElement("div");
          controls.className = "reorder-controls";
          row.querySelector("h3").after(controls);
        }
        const up = moveButton("up", nameOf(row));
        const down = moveButton("down", nameOf(row));
        up.dataset.index = down.dataset.index = index;
        controls.replaceChildren(up, down);
      });
      markEdges(Array.from(group.querySelectorAll(".reorder-controls button")), all.length);
    }
    function orderBy(key) {
      const sorted = rows().sort(function (a, b) { return key(a) - key(b); });
      const anchor = group.querySelector(".inline-related.empty-form") || null;
      sorted.forEach(function (row) { row.parentNode.insertBefore(row, anchor); });
    }
    function formIndex(row) { return Number((/-(\d+)$/.exec(row.id) || [0, 0])[1]); }
    function shownPosition(row) {
      const value = positionInput(row) && positionInput(row).value;
      return value === "" || value === undefined ? Infinity : Number(value);
    }

    group.addEventListener("click", function (event) {
      const button = event.target.closest(".reorder-controls button");
      if (!button || button.getAttribute("aria-disabled") === "true") return;
      const all = rows();
      const from = Number(button.dataset.index);
      const row = all[from];
      if (button.dataset.move === "up") all[from - 1].before(row);
      else all[from + 1].after(row);
      number();
      labelButtons();
      const to = rows().indexOf(row);
      row.querySelector('.reorder-controls button[data-move="' + button.dataset.move + '"]').focus();
      status.textContent = nameOf(row) + " moved to place " + (to + 1) + " of " + all.length + ".";
    });
    // Django renumbers the rows' field names in page order when a new row is removed; put
    // them back in form order first, then show the editor's order again.
    group.addEventListener("click", function (event) {
      if (event.target.closest(".inline-deletelink")) orderBy(formIndex);
    }, true);
    document.addEventListener("formset:removed", function (event) {
      if (group.id !== event.detail.formsetName + "-group") return;
      orderBy(shownPosition);
      number();
      labelButtons();
    });
    document.addEventListener("formset:added", function (event) {
      if (!group.contains(event.target)) return;
      number();
      labelButtons();
    });
    group.addEventListener("change", function (event) {
      if (event.target.matches('select[name$="-reference"]')) labelButtons();
    });
    // Start from the saved order, numbered without gaps.
    orderBy(shownPosition);
    number();
    labelButtons();
  }

  function start() {
    document.querySelectorAll(".js-only[hidden]").forEach(function (element) {
      element.hidden = false;
    });
    document.querySelectorAll("textarea[data-suggest-url]").forEach(setUpAutocomplete);
    document.querySelectorAll(".preview-width-toggle").forEach(setUpWidthToggle);
    document.querySelectorAll("[data-tier-tabs]").forEach(setUpTierTabs);
    document.querySelectorAll('textarea[data-reorder="lines"]').forEach(setUpLineOrder);
    document.querySelectorAll(".js-inline-admin-formset").forEach(function (group) {
      if (group.querySelector("fieldset.reorder-rows")) setUpRowOrder(group);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

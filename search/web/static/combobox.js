/* An ARIA 1.2 combobox with a listbox popup, shared by the search page and the widget.
   condsearchCombobox(input, listbox, {endpoint, onChoose}) wires suggestions to an input. */
(function (global) {
  "use strict";

  function combobox(input, listbox, options) {
    var endpoint = options.endpoint;
    var onChoose = options.onChoose;
    var delay = options.delay || 120;
    var timer = null;
    var controller = null;
    var items = [];
    var active = -1;
    var idPrefix = listbox.id + "-opt-";

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var nodes = listbox.querySelectorAll('[role="option"]');
      for (var i = 0; i < nodes.length; i++) {
        nodes[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0 && nodes[index]) {
        input.setAttribute("aria-activedescendant", nodes[index].id);
        nodes[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(list) {
      // A list that arrives after the keyboard chose an option keeps that choice when it still offers it:
      // Enter must take what the user highlighted, not the typed text, however late the response came.
      var kept = active >= 0 && items[active] ? items[active].text : null;
      items = list;
      listbox.textContent = "";
      listbox.setAttribute("aria-busy", "false");
      if (!list.length) { close(); return; }
      list.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = idPrefix + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.className = "suggestion kind-" + item.kind;
        var text = document.createElement("span");
        text.className = "text";
        text.textContent = item.text;  // text, never HTML: suggestions cannot inject markup
        li.appendChild(text);
        if (item.kind !== "title") {
          var page = document.createElement("span");
          page.className = "page";
          page.textContent = item.title;
          li.appendChild(page);
        }
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        listbox.appendChild(li);
      });
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      for (var k = 0; kept !== null && k < list.length; k++) {
        if (list[k].text === kept) { highlight(k); break; }
      }
    }

    function choose(i) {
      var item = items[i];
      if (!item) return;
      input.value = item.text;
      close();
      onChoose(item);
    }

    function fetchSuggestions() {
      var q = input.value;
      if (!q.trim()) { render([]); return; }
      if (controller) controller.abort();
      controller = typeof AbortController !== "undefined" ? new AbortController() : null;
      fetch(endpoint + "?limit=8&q=" + encodeURIComponent(q.slice(0, 512)), {
        signal: controller ? controller.signal : undefined,
        headers: { "Accept": "application/json" }
      })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value === q) render(data.suggestions || []); })
        .catch(function (error) {
          // Aborted: a newer request owns the list. Offline: keep the box usable and say the list is settled.
          if (!error || error.name !== "AbortError") listbox.setAttribute("aria-busy", "false");
        });
    }

    input.addEventListener("input", function () {
      // Typing starts a new list: nothing is chosen, and the list shown is stale until the answer comes.
      if (active >= 0) highlight(-1);
      listbox.setAttribute("aria-busy", "true");
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, delay);  // debounced: one request per pause
    });
    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown") {
        if (!open) { fetchSuggestions(); return; }
        event.preventDefault();
        highlight(active + 1 >= items.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    return { close: close };
  }

  global.condsearchCombobox = combobox;
})(window);

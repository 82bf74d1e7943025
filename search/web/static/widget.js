/* Embeddable search box. On any site:
     <div data-condsearch></div>
     <script src="https://search.example/static/widget.js" defer></script>
   The box suggests as you type against the service this script came from, and searches there. */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script ? new URL(script.src, location.href).origin : location.origin;

  function load(src, done) {
    if (window.condsearchCombobox) { done(); return; }
    var s = document.createElement("script");
    s.src = src;
    s.onload = done;
    document.head.appendChild(s);
  }

  function mount(host, n) {
    var form = document.createElement("form");
    form.className = "condsearch-widget";
    form.setAttribute("role", "search");
    form.action = origin + "/";
    form.method = "get";
    var label = document.createElement("label");
    label.className = "condsearch-visually-hidden";
    label.htmlFor = "condsearch-q-" + n;
    label.textContent = "Search conditions";
    var wrap = document.createElement("div");
    wrap.className = "condsearch-combo";
    var input = document.createElement("input");
    input.id = "condsearch-q-" + n;
    input.name = "q";
    input.type = "search";
    input.maxLength = 512;
    input.autocomplete = "off";
    input.placeholder = host.getAttribute("data-placeholder") || "Search conditions";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "condsearch-list-" + n);
    var list = document.createElement("ul");
    list.id = "condsearch-list-" + n;
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var button = document.createElement("button");
    button.type = "submit";
    button.textContent = "Search";
    wrap.appendChild(input);
    wrap.appendChild(list);
    form.appendChild(label);
    form.appendChild(wrap);
    form.appendChild(button);
    host.appendChild(form);
    window.condsearchCombobox(input, list, {
      endpoint: origin + "/suggest",
      onChoose: function () { form.submit(); }
    });
  }

  function start() {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = origin + "/static/widget.css";
    document.head.appendChild(css);
    var hosts = document.querySelectorAll("[data-condsearch]");
    for (var i = 0; i < hosts.length; i++) mount(hosts[i], i);
  }

  load(origin + "/static/combobox.js", function () {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  });
})();

/* The search page: suggestions as you type, a describe-your-symptoms box for long text, and
   clicks reported for analytics (no identifiers). */
(function () {
  "use strict";
  var DESCRIBE_FROM_CHARS = 80;  // as search/web/pages.py: longer text is a description
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var listbox = document.getElementById("suggestions");

  function submitOnCtrlEnter(area) {
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.submit();
      }
    });
  }

  // Long text outgrows a one-line box: it becomes a textarea, keeping what was typed and the caret.
  function toDescribe() {
    var combo = input.closest(".combo");
    if (!combo) return;
    var area = document.createElement("textarea");
    area.id = "q";
    area.name = "q";
    area.rows = 5;
    area.maxLength = input.maxLength;
    area.spellcheck = true;
    area.placeholder = form.getAttribute("data-describe-placeholder") || "";
    area.value = input.value;
    var help = document.createElement("p");
    help.id = "describe-help";
    help.className = "describe-help";
    help.textContent = form.getAttribute("data-describe-help") || "";
    area.setAttribute("aria-describedby", "describe-help");
    var label = form.querySelector('label[for="q"]');
    if (label) {
      label.className = "describe-label";
      label.textContent = form.getAttribute("data-describe-label") || label.textContent;
    }
    var row = combo.parentNode;
    form.insertBefore(area, row);
    form.insertBefore(help, row);
    row.removeChild(combo);
    var link = document.getElementById("describe-link");
    if (link) link.hidden = true;
    form.classList.add("describing");
    submitOnCtrlEnter(area);
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
    input = area;
  }

  if (form && input && input.tagName === "TEXTAREA") {
    submitOnCtrlEnter(input);
  } else if (form && input && listbox && window.condsearchCombobox) {
    window.condsearchCombobox(input, listbox, {
      endpoint: "/suggest",
      onChoose: function () { form.submit(); }
    });
    input.addEventListener("input", function () {
      if (input.tagName === "INPUT" && input.value.length >= DESCRIBE_FROM_CHARS) toDescribe();
    });
  }

  var results = document.getElementById("results");
  if (results) {
    results.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.hit-title") : null;
      if (!link) return;
      var body = JSON.stringify({
        query_id: results.getAttribute("data-query-id"),
        slug: link.getAttribute("data-slug"),
        position: parseInt(link.getAttribute("data-position"), 10)
      });
      var blob = new Blob([body], { type: "application/json" });
      if (!(navigator.sendBeacon && navigator.sendBeacon("/events/click", blob))) {
        fetch("/events/click", { method: "POST", body: body, keepalive: true,
          headers: { "Content-Type": "application/json" }, credentials: "omit" });
      }
    });
  }
})();

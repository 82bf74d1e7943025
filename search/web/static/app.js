/* The search page: suggestions as you type, and clicks reported for analytics (no identifiers). */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var listbox = document.getElementById("suggestions");
  if (form && input && listbox && window.condsearchCombobox) {
    window.condsearchCombobox(input, listbox, {
      endpoint: "/suggest",
      onChoose: function () { form.submit(); }
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

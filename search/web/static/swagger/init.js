/* Starts Swagger UI from a file, not an inline script, so /docs works under the site's CSP. */
window.addEventListener("load", function () {
  "use strict";
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});

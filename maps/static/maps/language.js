/* The language menu applies itself on change; its button stays for browsers without script. */
(function () {
  "use strict";
  var select = document.getElementById("language-select");
  if (!select) return;
  select.form.querySelector(".language-go").hidden = true;
  select.addEventListener("change", function () { select.form.submit(); });
})();

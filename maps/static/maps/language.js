/* The language menu applies itself on change; its button stays for browsers without script.
 * It comes back to the address as it is now: the map keeps its view, filters and open site
 * in the address (history.replaceState), which the server-rendered `next` does not know. */
(function () {
  "use strict";
  var select = document.getElementById("language-select");
  if (!select) return;
  var form = select.form;
  function keepPlace() {
    // Without a site page's `lang` (its address in one language), or the choice would not show.
    var params = new URLSearchParams(location.search);
    params.delete("lang");
    var query = params.toString();
    form.elements.next.value = location.pathname + (query ? "?" + query : "");
  }
  form.querySelector(".language-go").hidden = true;
  form.addEventListener("submit", keepPlace);
  select.addEventListener("change", function () { keepPlace(); form.submit(); });
})();

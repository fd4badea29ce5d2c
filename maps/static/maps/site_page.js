/* A site page's own behaviour: the photo viewer, sharing, and "back to the map".
 *
 * The viewer is a modal <dialog>: the rest of the page is inert while it is open, Esc closes
 * it, the arrow keys move between photos, Tab cycles within it, and focus goes back to the
 * thumbnail that opened it. Without script, each thumbnail is a plain link to its photo. */
(function () {
  "use strict";

  function galleryInit() {
    var dialog = document.getElementById("lightbox");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var links = Array.prototype.slice.call(document.querySelectorAll(".gallery-open"));
    var text = JSON.parse(document.getElementById("lightbox-text").textContent);
    var image = document.getElementById("lightbox-image");
    var caption = document.getElementById("lightbox-caption");
    var count = document.getElementById("lightbox-count");
    var prev = dialog.querySelector(".lightbox-prev"), next = dialog.querySelector(".lightbox-next");
    var index = 0, opener = null;

    function show(i) {
      index = (i + links.length) % links.length;
      var link = links[index];
      image.src = link.href;
      image.alt = link.querySelector("img").alt;
      caption.textContent = link.parentNode.querySelector("figcaption").textContent;
      count.textContent = text.count.replace("%(number)s", index + 1).replace("%(total)s", links.length);
      prev.hidden = next.hidden = links.length < 2;
    }

    function open(i, from) {
      opener = from;
      show(i);
      dialog.showModal();
      dialog.querySelector(".lightbox-close").focus();
    }

    links.forEach(function (link, i) {
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
        event.preventDefault();
        open(i, link);
      });
    });
    prev.addEventListener("click", function () { show(index - 1); });
    next.addEventListener("click", function () { show(index + 1); });
    dialog.querySelector(".lightbox-close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    dialog.addEventListener("close", function () {
      image.removeAttribute("src");
      if (opener) opener.focus();
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { show(index - 1); event.preventDefault(); }
      else if (event.key === "ArrowRight") { show(index + 1); event.preventDefault(); }
      else if (event.key === "Tab") trapTab(event);
    });

    function trapTab(event) {
      var focusable = Array.prototype.filter.call(dialog.querySelectorAll("button"), function (b) {
        return !b.hidden;
      });
      var first = focusable[0], last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
      else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
    }
  }

  function shareInit() {
    var copy = document.getElementById("share-copy");
    var native = document.getElementById("share-native");
    var status = document.getElementById("share-status");
    if (!copy) return;
    var url = copy.dataset.url, title = document.querySelector("h1").textContent;
    if (navigator.share) {
      native.hidden = false;
      native.addEventListener("click", function () {
        navigator.share({title: title, url: url}).catch(function () {});
      });
    }
    copy.addEventListener("click", function () {
      var done = function () { status.textContent = copy.dataset.done || ""; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, function () { fallbackCopy(url); done(); });
      } else {
        fallbackCopy(url);
        done();
      }
    });
  }

  function fallbackCopy(url) {
    var field = document.createElement("textarea");
    field.value = url;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    try { document.execCommand("copy"); } catch (e) { /* the link stays selectable on the page */ }
    document.body.removeChild(field);
  }

  /* Back to the view the visitor came from: the map keeps its view, filters and open site in
   * its address, so when the previous page is the map, going back restores it exactly (and
   * from the browser's cache); otherwise the link's own address, the map at this site. */
  function backInit() {
    var back = document.getElementById("back-to-map");
    if (!back || !document.referrer) return;
    var from;
    try { from = new URL(document.referrer); } catch (e) { return; }
    var home = new URL(back.href);
    if (from.origin !== location.origin || from.pathname !== home.pathname) return;
    back.href = from.href;
    back.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
      if (history.length > 1) {
        event.preventDefault();
        history.back();
      }
    });
  }

  /* Print: the small map gets its print size (maps/static/maps/site_page.css) and is laid out
   * again for it before the page is printed, and for the screen afterwards. */
  function printInit() {
    var small = null;
    window.addEventListener("map:init", function (event) {
      if (event.detail.id === "site-map") small = event.detail.map;
    });
    function relayout() {
      if (!small) return;
      var centre = small.getCenter();
      small.invalidateSize({pan: false});
      small.setView(centre, small.getZoom(), {animate: false});
    }
    window.addEventListener("beforeprint", relayout);
    window.addEventListener("afterprint", relayout);
  }

  printInit();
  galleryInit();
  shareInit();
  backInit();
})();

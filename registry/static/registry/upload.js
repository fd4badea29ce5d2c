/* Photo upload with a progress bar: the form is sent by XMLHttpRequest (its upload progress is
   what fetch cannot report); the server answers JSON (registry/views/records.py `photos`):
   where to go when the photos are stored, or each field's errors. Without JavaScript the form
   posts as usual. */
(function () {
  "use strict";
  var form = document.getElementById("photo-upload");
  if (!form || !window.FormData) return;
  var text = JSON.parse(document.getElementById("upload-text").textContent);
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var button = form.querySelector("button[type=submit]");

  function say(message) { status.textContent = message; }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.round((100 * e.loaded) / e.total);
      bar.value = percent;
      say(text.sending.replace("%(percent)s", percent));
    });
    request.upload.addEventListener("load", function () { say(text.processing); });
    request.addEventListener("load", function () {
      var answer = null;
      try { answer = JSON.parse(request.responseText); } catch (e) { answer = null; }
      if (request.status === 200 && answer && answer.redirect) {
        window.location.assign(answer.redirect);
        return;
      }
      button.disabled = false;
      bar.hidden = true;
      if (answer && answer.errors) {
        say(Object.keys(answer.errors).map(function (name) {
          return answer.errors[name].join(" ");
        }).join(" "));
      } else {
        say(text.failed);
      }
    });
    request.addEventListener("error", function () {
      button.disabled = false;
      bar.hidden = true;
      say(text.failed);
    });
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    say(text.sending.replace("%(percent)s", 0));
    request.send(new FormData(form));
  });
})();

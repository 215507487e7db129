// The one script of the site, and only an aid: every page works without it. A file field that states its
// limit (data-max-bytes) is checked when its form is sent, so that a file the store would refuse (empty, or
// too large) is refused at once, on the page, in the page's language, instead of by the store's own answer.
// A form to the object store that names where to tell the file's name (data-name-to) tells it first, so the
// upload is listed under the name the clerk knows; the file is sent whether or not that succeeds.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var fields = form.querySelectorAll("input[type=file][data-max-bytes]");
  for (var i = 0; i < fields.length; i++) {
    var input = fields[i];
    var file = input.files && input.files[0];
    var message = null;
    if (file && file.size === 0) {
      message = input.getAttribute("data-empty");
    } else if (file && file.size > Number(input.getAttribute("data-max-bytes"))) {
      message = input.getAttribute("data-too-large");
    }
    var error = document.getElementById(input.id + "-error");
    if (!message) {
      if (error) { error.hidden = true; }
      input.removeAttribute("aria-invalid");
      continue;
    }
    event.preventDefault();
    if (error) {
      error.textContent = message;
      error.hidden = false;
    }
    input.setAttribute("aria-invalid", "true");
    input.closest(".field").classList.add("invalid");
    input.focus();
    return;
  }
  var nameTo = form.getAttribute("data-name-to");
  var chosen = form.querySelector("input[type=file]");
  if (nameTo && chosen && chosen.files && chosen.files[0] && !form.hasAttribute("data-named")) {
    event.preventDefault();
    form.setAttribute("data-named", "");
    var body = new URLSearchParams();
    body.append("csrf", form.getAttribute("data-csrf") || "");
    body.append("name", chosen.files[0].name);
    var sent = false;
    var send = function () { if (!sent) { sent = true; form.submit(); } };
    var timer = setTimeout(send, 3000);
    fetch(nameTo, { method: "POST", body: body, credentials: "same-origin" })
      .catch(function () { return null; })
      .then(function () { clearTimeout(timer); send(); });
  }
});

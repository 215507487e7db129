// The one script of the site, and only an aid: every page works without it. A file field that states its
// limit (data-max-bytes) is checked when its form is sent, so that a file the store would refuse (empty, or
// too large) is refused at once, on the page, in the page's language, instead of by the store's own answer.
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
});

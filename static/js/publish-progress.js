// Keeps the publish progress page current: reads the job's progress as JSON
// every second and a half until it is finished. Without scripts, the page's
// "Check progress" link does the same by hand.
(function () {
  "use strict";
  var root = document.getElementById("publish-progress");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-progress-url");
  function part(name) { return root.querySelector('[data-progress="' + name + '"]'); }
  // Writes only what changed: rewriting the same words in the status region
  // (a polite live region) makes screen readers announce them every poll.
  function put(element, text) {
    if (element && element.textContent !== String(text)) { element.textContent = text; }
  }
  function show(progress) {
    put(part("status"), progress.status_label);
    put(part("stage"), progress.stage ? ": " + progress.stage : "");
    progress.files.forEach(function (file) {
      put(root.querySelector('[data-file="' + file.name + '"] [data-progress="file"]'), file.done ? "rendered" : "waiting");
    });
    put(part("stored"), progress.stored ? "yes" : "not yet");
    if (progress.version) {
      put(part("version"), progress.version);
      part("link").setAttribute("href", progress.url);
      part("done").hidden = false;
    }
    if (progress.error) {
      put(part("error"), progress.error);
      part("error-box").hidden = false;
      if (document.title.indexOf("Error: ") !== 0) { document.title = "Error: " + document.title; }
    }
    if (progress.finished || progress.may_retry) {
      var reload = part("reload");
      if (reload) { reload.hidden = true; }
      // The "Try again" form is in the page already: show it, rather than
      // reloading the page (which would move the reader back to the top).
      var retry = part("retry");
      if (retry && progress.may_retry) { retry.hidden = false; }
      return true;
    }
    return false;
  }
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (progress) { if (!show(progress)) { window.setTimeout(poll, 1500); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
}());

// Keeps the publish progress page current: reads the job's progress as JSON
// every second and a half until it is finished. Without scripts, the page's
// "Check progress" link does the same by hand.
(function () {
  "use strict";
  var root = document.getElementById("publish-progress");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-progress-url");
  function part(name) { return root.querySelector('[data-progress="' + name + '"]'); }
  function show(progress) {
    part("status").textContent = progress.status_label;
    part("stage").textContent = progress.stage ? ": " + progress.stage : "";
    progress.files.forEach(function (file) {
      var item = root.querySelector('[data-file="' + file.name + '"] [data-progress="file"]');
      if (item) { item.textContent = file.done ? "rendered" : "waiting"; }
    });
    part("stored").textContent = progress.stored ? "yes" : "not yet";
    if (progress.version) {
      part("version").textContent = progress.version;
      part("link").setAttribute("href", progress.url);
      part("done").hidden = false;
    }
    if (progress.error) {
      part("error").textContent = progress.error;
      part("error-box").hidden = false;
    }
    if (progress.finished || progress.may_retry) {
      var reload = part("reload");
      if (reload) { reload.hidden = true; }
      if (progress.may_retry && !root.querySelector("form")) { window.location.reload(); }
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

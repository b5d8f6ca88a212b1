// The idle session's warning (templates/includes/session_timeout.html). The server ends
// a session some minutes after its last request; this page counts from when it was
// loaded. Shortly before the end it asks whether to stay signed in (the button, Enter or
// Escape keeps the session); at the end it says so, and leaves what is typed on the page.
(function () {
  "use strict";
  var dialog = document.getElementById("timeout-warning");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) { return; }
  var endsAfter = parseInt(dialog.getAttribute("data-ends-after"), 10) * 1000;
  var warning = parseInt(dialog.getAttribute("data-warning"), 10) * 1000;
  var warningPart = dialog.querySelector('[data-timeout="warning"]');
  var endedPart = dialog.querySelector('[data-timeout="ended"]');
  var stayForm = dialog.querySelector('[data-timeout="stay"]').form;
  var timers = [];
  var ended = false;

  function show(part) {
    warningPart.hidden = part !== warningPart;
    endedPart.hidden = part !== endedPart;
    var name = part === endedPart ? "timeout-ended" : "timeout-warning";
    dialog.setAttribute("aria-labelledby", name + "-title");
    dialog.setAttribute("aria-describedby", name + "-text");
    if (!dialog.open) { dialog.showModal(); }
  }
  function warn() {
    show(warningPart);
    dialog.querySelector('[data-timeout="stay"]').focus();
  }
  function end() {
    ended = true;
    timers.forEach(clearTimeout);
    show(endedPart);
    document.getElementById("timeout-ended-title").focus();
  }
  function schedule() {
    timers.forEach(clearTimeout);
    timers = [setTimeout(warn, Math.max(endsAfter - warning, 0)), setTimeout(end, endsAfter)];
  }
  function stay() {
    fetch(stayForm.action, {
      method: "POST", body: new FormData(stayForm), credentials: "same-origin",
      headers: {"Accept": "application/json"}
    }).then(function (response) {
      if (response.status === 204) { dialog.close(); schedule(); } else { end(); }
    }, function () { stayForm.submit(); });  // offline or refused: the plain form says what happened
  }

  stayForm.addEventListener("submit", function (event) { event.preventDefault(); stay(); });
  dialog.addEventListener("cancel", function (event) {
    // Escape: on the warning it means "stay signed in", as closing the warning would.
    if (!ended) { event.preventDefault(); stay(); }
  });
  dialog.querySelector('[data-timeout="close"]').addEventListener("click", function () { dialog.close(); });
  schedule();
})();

/* The GOV.UK error summary pattern: a page that shows errors puts the focus on
   its summary, so a screen reader announces the problems first and a keyboard
   user tabs straight to the links; a link moves the focus into its field.
   A static file, because the Content Security Policy refuses inline scripts. */
(function () {
  const summary = document.querySelector(".error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    const label = document.querySelector(`label[for='${CSS.escape(field.id)}']`);
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();

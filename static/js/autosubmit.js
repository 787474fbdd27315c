// Submits a form when a <select data-autosubmit> changes (no inline handlers under the CSP).
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});

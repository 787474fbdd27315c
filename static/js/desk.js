// Keyboard scoring for the remote desk: move between items, answer with one key, save with Ctrl+Enter.
(function () {
  const form = document.getElementById("desk-form");
  if (!form) return;
  const items = Array.from(form.querySelectorAll(".desk-item"));
  let current = 0;
  function focus(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach((el, i) => el.classList.toggle("focused", i === current));
    items[current].focus({ preventScroll: false });
  }
  function choose(value) {
    const input = items[current].querySelector(`input[type=radio][value="${value}"]`);
    if (input) { input.checked = true; focus(current + 1); }
  }
  document.addEventListener("keydown", (event) => {
    const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName) && event.target.type !== "radio";
    if (event.target.closest && event.target.closest("#excuse-form")) return;  // the reason form's own keys
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { form.requestSubmit(); return; }
    if (typing) return;
    const key = event.key.toLowerCase();
    if (key === "arrowdown" || key === "j") { event.preventDefault(); focus(current + 1); }
    else if (key === "arrowup" || key === "k") { event.preventDefault(); focus(current - 1); }
    else if (key === "p") choose("pass");
    else if (key === "f") choose("fail");
    else if (key === "n") choose("na");
  });
  items.forEach((el, i) => el.addEventListener("click", () => focus(i)));
  focus(0);
})();

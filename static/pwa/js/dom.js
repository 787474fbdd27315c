// A few lines instead of a framework: build elements, replace the screen.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

let shownRoute = null;

// Replaces the screen; the scroll position is kept when the same screen is drawn again.
export function show(...children) {
  const root = document.getElementById("screen");
  const sameScreen = shownRoute === location.hash;
  const y = window.scrollY;
  const typing = sameScreen ? typingState() : null;
  root.replaceChildren(...children.flat().filter(Boolean));
  window.scrollTo(0, sameScreen ? y : 0);
  if (typing) restoreTyping(typing);
  shownRoute = location.hash;
}

// What the person is typing into when the screen is drawn again, so that no keystroke is lost.
function typingState() {
  const active = document.activeElement;
  const owner = active?.closest?.("[data-key]");
  if (!owner || !["INPUT", "TEXTAREA"].includes(active.tagName) || active.type === "file") return null;
  return { key: owner.dataset.key, tag: active.tagName.toLowerCase(), cls: active.classList[0] || "",
    value: active.value };
}

function restoreTyping({ key, tag, cls, value }) {
  const selector = `[data-key="${key}"] ${tag}${cls ? `.${cls}` : ""}`;
  const target = document.querySelector(selector);
  if (!target) return;
  target.value = value;
  target.focus({ preventScroll: true });
}

export function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getMonth() + 1}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

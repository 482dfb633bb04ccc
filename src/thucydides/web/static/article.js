/* Article page: light up the words of the event or quote under the pointer or the keyboard. */
"use strict";

(() => {
  const text = document.getElementById("article-text");
  if (!text) return;
  const items = document.querySelectorAll("li[data-key]");

  function spansOf(key) {
    return [...text.querySelectorAll("span[data-keys]")].filter((s) => s.dataset.keys.split(" ").includes(key));
  }

  function light(item, on) {
    item.classList.toggle("active", on);
    for (const span of spansOf(item.dataset.key)) span.classList.toggle("active", on);
  }

  for (const item of items) {
    item.addEventListener("mouseenter", () => light(item, true));
    item.addEventListener("mouseleave", () => light(item, false));
    item.addEventListener("focus", () => light(item, true));
    item.addEventListener("blur", () => light(item, false));
    item.addEventListener("click", () => {
      const [first] = spansOf(item.dataset.key);
      if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
    });
  }
})();

// Progressive enhancement only: every page works without this file.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
    const label = button.textContent;
    button.textContent = "Скопировано";
    setTimeout(() => { button.textContent = label; }, 1500);
  } catch (_) {
    window.prompt("Скопируйте ссылку:", button.dataset.copy);
  }
});
document.querySelectorAll("[data-copy]").forEach((b) => { b.hidden = false; });

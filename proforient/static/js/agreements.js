// Progressive enhancement for the agreement form; it works without it.
(() => {
  const agreementForm = document.getElementById("agreement-form");
  if (agreementForm) {
    const indefinite = agreementForm.elements.indefinite;
    const until = agreementForm.elements.valid_until;
    const sync = () => { until.disabled = indefinite.checked; };
    indefinite.addEventListener("change", sync);
    sync();

    // Refuse a too-large scan before a long upload on a slow line; the server checks again.
    const scan = agreementForm.elements.scan;
    scan.addEventListener("change", () => {
      const field = scan.closest(".field");
      let error = field.querySelector(".field-error");
      const file = scan.files[0];
      const limit = Number(scan.dataset.maxBytes);
      if (file && file.size > limit) {
        if (!error) {
          error = document.createElement("div");
          error.className = "field-error";
          error.id = scan.id + "-error";
          field.append(error);
        }
        const mb = (file.size / 1048576).toFixed(1).replace(".", ",");
        error.textContent = `Файл слишком большой (${mb} МБ). Скан должен быть не больше 10 МБ.`;
        field.classList.add("has-error");
        scan.setAttribute("aria-invalid", "true");
        scan.setAttribute("aria-describedby", error.id);
        scan.value = "";
      } else if (error) {
        error.remove();
        field.classList.remove("has-error");
        scan.removeAttribute("aria-invalid");
      }
    });
  }
})();

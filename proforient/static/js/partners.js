// Progressive enhancement for the partner form: near-duplicates of the name as it is
// typed. The form works without it (the server checks on submit).
(() => {
  const partnerForm = document.getElementById("partner-form");
  if (partnerForm) {
    const box = document.getElementById("similar-partners");
    const fields = ["name", "short_name", "inn"].map((n) => partnerForm.elements[n]);
    let timer = null;
    let last = "";
    const render = (items) => {
      box.replaceChildren();
      box.hidden = items.length === 0;
      if (!items.length) return;
      const p = document.createElement("p");
      const strong = document.createElement("strong");
      strong.textContent = "Похожие организации уже есть в справочнике.";
      p.append(strong, " Проверьте, не одна ли это организация:");
      const ul = document.createElement("ul");
      for (const item of items) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = item.url;
        a.target = "_blank";
        a.textContent = item.name;
        const info = document.createElement("span");
        info.className = "muted";
        info.textContent = " " + [item.kind, item.settlement, item.inn && "ИНН " + item.inn]
          .filter(Boolean).join(", ");
        li.append(a, info);
        if (item.same_inn) {
          const badge = document.createElement("span");
          badge.className = "badge badge-warn";
          badge.textContent = "тот же ИНН";
          li.append(" ", badge);
        }
        ul.append(li);
      }
      box.append(p, ul);
    };
    const check = async () => {
      const params = new URLSearchParams();
      fields.forEach((f) => f && params.set(f.name, f.value.trim()));
      if (partnerForm.dataset.exclude) params.set("exclude", partnerForm.dataset.exclude);
      const query = params.toString();
      if (query === last || fields[0].value.trim().length < 3) return;
      last = query;
      try {
        const response = await fetch(partnerForm.dataset.similarUrl + "?" + query, {
          headers: { Accept: "application/json" },
        });
        if (response.ok) render((await response.json()).similar);
      } catch (_) { /* the server-side check on submit still works */ }
    };
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    };
    fields.forEach((f) => f && ["input", "change"].forEach((type) => f.addEventListener(type, later)));
    // Text typed before this script ran (or restored by the browser) is checked too,
    // unless the server already listed the near-duplicates.
    if (box.hidden && fields[0].value.trim()) later();
  }
})();

// Monitoring forms, progressive enhancement only: the server computes and checks the
// same sums on every save, so the forms work without this file.
(() => {
  // A confirmation on one button (not the whole form: «Сохранить черновик» needs none).
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  const number = (input) => {
    const n = parseInt((input.value || "").replace(/\s/g, ""), 10);
    return Number.isFinite(n) && n >= 0 ? n : 0;
  };
  const format = (n) => n.toLocaleString("ru-RU");

  // Graduate destinations: running sums and the difference from the number of graduates.
  const update = (table) => {
    ["total", "orphans", "ovz"].forEach((col) => {
      let sum = 0;
      let cohort = 0;
      table.querySelectorAll(`input[data-col="${col}"]`).forEach((input) => {
        if (input.dataset.row === "graduates") cohort = number(input);
        else sum += number(input);
      });
      const sumCell = table.querySelector(`[data-sum="${col}"]`);
      const diffCell = table.querySelector(`[data-diff="${col}"]`);
      if (sumCell) sumCell.textContent = format(sum);
      if (diffCell) {
        const d = sum - cohort;
        const badge = document.createElement("span");
        badge.className = d === 0 ? "badge badge-ok" : "badge badge-bad";
        badge.textContent = d === 0 ? "сходится" : (d > 0 ? "+" : "−") + format(Math.abs(d));
        diffCell.replaceChildren(badge);
        if (sumCell) sumCell.classList.toggle("off", d !== 0);
      }
    });
  };
  document.querySelectorAll("form[data-live-sums] table.graduates").forEach((table) => {
    table.addEventListener("input", () => update(table));
    // Values typed before this script ran, or restored by the browser, count at once.
    update(table);
  });

  // Monitoring form: the number of programs is the number of non-empty lines.
  document.querySelectorAll("[data-line-count]").forEach((out) => {
    const area = document.getElementById(out.dataset.lineCount);
    if (!area) return;
    const count = () => {
      out.textContent = area.value.split("\n").filter((l) => l.trim()).length;
    };
    area.addEventListener("input", count);
    count(); // lines typed before this script ran, or restored by the browser
  });

  // Action plan: filter the list of events by a part of the title, count the ticked ones.
  document.querySelectorAll("[data-filter-list]").forEach((input) => {
    const list = document.getElementById(input.dataset.filterList);
    if (!list) return;
    input.addEventListener("input", () => {
      const q = input.value.trim().toLowerCase();
      list.querySelectorAll("li[data-text]").forEach((li) => {
        li.hidden = q !== "" && !li.dataset.text.includes(q);
      });
    });
  });
  document.querySelectorAll("[data-checked-count]").forEach((out) => {
    const list = document.getElementById(out.dataset.checkedCount);
    if (!list) return;
    const count = () => {
      out.textContent = list.querySelectorAll("input:checked").length;
    };
    list.addEventListener("change", count);
    count();
  });
})();

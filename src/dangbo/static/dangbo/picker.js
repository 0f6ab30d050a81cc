// The organization picker (organizations/picker.py). The page holds a <select> of the organizations at the top
// of the user's tree, which works without JavaScript; here it becomes a search box over the whole scope:
// typing asks /to-chuc/chon/?q=… (accent- and case-insensitive, at most 30 results with their path), ↑/↓ move,
// Enter chooses, Escape closes. The chosen organization is written back into the <select> (which stays in the
// form, hidden) and a "change" event is sent from it, so filters that submit on change keep doing so.
"use strict";

(() => {
  const fold = (text) =>
    text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ\u00d0\u00f0]/g, "d").toLowerCase();

  const fromOptions = (select) =>
    Array.from(select.options)
      .filter((o) => o.value !== "")
      .map((o) => ({
        id: o.value,
        name: o.textContent.replace(/^\u2003+/, "").replace(/ \(đã kết thúc\)$/, ""),
        path: o.dataset.path || "",
        ended: o.hasAttribute("data-ended"),
        depth: (o.textContent.match(/^\u2003*/) || [""])[0].length,
      }));

  let counter = 0;

  function enhance(box) {
    const select = box.querySelector("select");
    if (!select || box.dataset.enhanced) return;
    box.dataset.enhanced = "1";
    counter += 1;
    const listId = `org-picker-list-${counter}`;
    const input = document.createElement("input");
    input.type = "search";
    input.className = "org-picker-input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.autocomplete = "off";
    input.placeholder = "Gõ tên tổ chức để tìm (không cần dấu)";
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    if (label) {
      label.htmlFor = `${select.id}_search`;
    }
    input.id = `${select.id || listId}_search`;
    const list = document.createElement("ul");
    list.id = listId;
    list.className = "org-picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    const note = document.createElement("div");
    note.className = "org-picker-note muted";
    note.setAttribute("aria-live", "polite");

    const current = select.options[select.selectedIndex];
    // "All in scope" of an optional filter; a required field's "---------" is not offered.
    const empty = select.required ? null : Array.from(select.options).find((o) => o.value === "");
    input.value = current && current.value ? current.textContent.replace(/^\u2003+/, "") : "";
    // The chosen organization's name is not a search: focusing the box selects it (typing replaces it) and
    // shows the tree to choose from, instead of searching for the name or inserting what is typed into it.
    let chosen = input.value;
    const typed = () => (input.value === chosen ? "" : input.value.trim());
    if (empty) input.placeholder = `${empty.textContent} — gõ để tìm`;
    select.hidden = true;
    select.tabIndex = -1;
    box.append(input, list, note);

    const offered = fromOptions(select);
    let items = [];
    let active = -1;
    let timer = null;
    let asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function show(results, more) {
      list.replaceChildren();
      const searching = typed() !== "";
      if (empty && !searching) results = [{ id: "", name: empty.textContent, path: "", ended: false, depth: 0 }, ...results];
      items = results;
      results.forEach((r, i) => {
        const li = document.createElement("li");
        li.id = `${listId}-${i}`;
        li.setAttribute("role", "option");
        li.dataset.index = String(i);
        if (r.depth && !searching) li.style.paddingInlineStart = `${0.6 + r.depth * 1.1}em`;
        const name = document.createElement("span");
        name.className = "org-picker-name";
        name.textContent = r.name;
        li.append(name);
        if (r.ended) {
          const badge = document.createElement("span");
          badge.className = "badge ended";
          badge.textContent = "đã kết thúc";
          li.append(" ", badge);
        }
        if (r.path && searching) {
          const path = document.createElement("span");
          path.className = "org-picker-path";
          path.textContent = r.path;
          li.append(path);
        }
        if (String(r.id) === select.value) li.setAttribute("aria-selected", "true");
        list.append(li);
      });
      note.textContent = !results.length
        ? "Không tìm thấy tổ chức nào."
        : more ? "Còn nhiều kết quả khác: gõ thêm để thu hẹp." : "";
      list.hidden = !results.length; // no empty box under "Không tìm thấy tổ chức nào."
      input.setAttribute("aria-expanded", String(!!results.length));
      move(0);
    }

    function move(to) {
      const nodes = list.querySelectorAll("li");
      if (!nodes.length) return;
      active = (to + nodes.length) % nodes.length;
      nodes.forEach((n, i) => n.classList.toggle("active", i === active));
      input.setAttribute("aria-activedescendant", nodes[active].id);
      nodes[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      const r = items[index];
      if (!r) return;
      let option = Array.from(select.options).find((o) => o.value === String(r.id));
      if (!option) {
        option = new Option(r.name, r.id);
        select.add(option);
      }
      select.value = String(r.id);
      input.value = r.id === "" ? "" : r.name;
      chosen = input.value;
      close();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function search() {
      const q = typed();
      if (!q) {
        show(offered, false);
        return;
      }
      const words = fold(q).split(/\s+/);
      const local = offered.filter((o) => words.every((w) => fold(o.name).includes(w)));
      show(local, false); // at once from the offered list, then the whole scope from the server
      const ticket = ++asked;
      const params = new URLSearchParams({ q });
      if (box.dataset.work) params.set("lam", box.dataset.work); // the scope of the work the form does
      fetch(`${box.dataset.source}?${params}`, { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
        .then((data) => {
          if (ticket === asked) show(data.results, data.more);
        })
        .catch(() => {
          note.textContent = "Không tìm được (mất kết nối?) — chọn trong danh sách.";
        });
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    let selectOnUp = false;
    input.addEventListener("focus", () => {
      if (input.value && input.value === chosen) {
        input.select();
        selectOnUp = true; // the click that focused would put the caret back inside the name
      }
      if (list.hidden) search();
    });
    input.addEventListener("mouseup", (event) => {
      if (selectOnUp) event.preventDefault();
      selectOnUp = false;
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) search();
        else move(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        move(active - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(active);
        }
      } else if (event.key === "Escape") {
        close();
      }
    });
    list.addEventListener("mousedown", (event) => {
      const li = event.target.closest("li");
      if (li) {
        event.preventDefault();
        choose(Number(li.dataset.index));
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  const all = (root) => root.querySelectorAll("[data-org-picker]").forEach(enhance);
  document.addEventListener("DOMContentLoaded", () => all(document));
  document.addEventListener("htmx:afterSwap", (event) => all(event.target));
})();

/* wijknet: small enhancements on top of pages that work without a script.
 * Every user-supplied string is put into the page with textContent, never innerHTML. */
(function () {
  "use strict";

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  window.wijknetEl = el;

  /* Move focus to the error summary of a refused form, so keyboard and screen reader users hear it. */
  var summary = document.getElementById("formulierfouten") || document.getElementById("lijkt-op");
  if (summary) {
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }

  /* A link in the error summary focuses its field, with the field's label in view. */
  document.querySelectorAll("#formulierfouten, #lijkt-op").forEach(function (box) {
    box.addEventListener("click", function (ev) {
      var link = ev.target.closest ? ev.target.closest("a[href^='#']") : null;
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      ev.preventDefault();
      (target.closest(".field") || target).scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  });

  /* Presentation mode: larger text for a projector; remembered per browser. */
  var present = document.getElementById("presenteer");
  function setPresent(on) {
    document.body.classList.toggle("present", on);
    if (present) present.setAttribute("aria-pressed", on ? "true" : "false");
    try { localStorage.setItem("wijknet-presentatie", on ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  try { if (localStorage.getItem("wijknet-presentatie") === "1") setPresent(true); } catch (e) { /* ignore */ }
  if (present) present.addEventListener("click", function () {
    setPresent(!document.body.classList.contains("present"));
  });

  /* Autocomplete for picking an actor by typing part of its name. */
  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var hidden = document.getElementById(input.dataset.target);
    var items = [];
    var active = -1;
    var timer = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function choose(item) {
      input.value = item.name;
      hidden.value = item.id;
      close();
    }
    function highlight(index) {
      var options = list.querySelectorAll("li");
      options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }
    function show(data) {
      items = data;
      list.replaceChildren();
      data.forEach(function (item, i) {
        var li = el("li", null);
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.appendChild(el("span", item.name));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", item.kind + " · " + item.domain, "meta"));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      if (!data.length) {
        var none = el("li", "Geen actor gevonden met deze naam.", "meta");
        none.setAttribute("role", "option");
        none.setAttribute("aria-disabled", "true");
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }
    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(input.dataset.autocomplete + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(show)
          .catch(close);
      }, 120);
    });
    input.addEventListener("keydown", function (ev) {
      if (list.hidden) return;
      if (ev.key === "ArrowDown") { ev.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (ev.key === "Enter" && active >= 0 && items[active]) { ev.preventDefault(); choose(items[active]); }
      else if (ev.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  });

  /* Upload: list the chosen files by name and size (the browser says only how many). */
  document.querySelectorAll("input[type=file][data-file-list]").forEach(function (input) {
    var list = document.getElementById(input.dataset.fileList);
    function size(bytes) {
      if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)) + " kB";
      return (bytes / (1024 * 1024)).toFixed(1).replace(".", ",") + " MB";
    }
    function show() {
      list.replaceChildren();
      Array.prototype.forEach.call(input.files, function (file) {
        list.appendChild(el("li", file.name + " (" + size(file.size) + ")"));
      });
      list.hidden = input.files.length === 0;
    }
    input.addEventListener("change", show);
    show();
  });

  /* Sortable tables: a button in each header; numbers sort as numbers (data-value). */
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      var button = th.querySelector("button.sort");
      if (!button) return;
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") !== "descending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].dataset.value, y = b.cells[col].dataset.value;
          var nx = parseFloat(x), ny = parseFloat(y);
          var result;
          if (x === "" || x === undefined) return 1;
          if (y === "" || y === undefined) return -1;
          if (!isNaN(nx) && !isNaN(ny)) result = nx - ny;
          else result = String(x).localeCompare(String(y), "nl");
          return descending ? -result : result;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  /* Import mapping: a changed choice updates the dry run at once (the button stays for no-JS). */
  document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target && event.target.tagName === "SELECT") {
        form.setAttribute("aria-busy", "true");
        form.submit();
      }
    });
  });
})();

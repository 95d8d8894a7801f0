/* The respondent's page of a netwerkuitvraag: small enhancements only; the form works
 * without this script (every field shown, three empty rows for new collaborations). */
(function () {
  "use strict";
  var form = document.getElementById("antwoord");
  if (!form) return;

  function checked(name) {
    var box = form.querySelector('input[type=radio][name="' + name + '"]:checked');
    return box ? box.value : "";
  }

  /* Step 1: the record as a list; its fields only after "Aanpassen". "Klopt" puts back
     what is stored, so nothing typed there counts as a change. */
  var summary = form.querySelector("[data-record-summary]");
  var fields = form.querySelector("[data-record-fields]");
  var hint = form.querySelector("[data-no-script-hint]");
  function showRecord() {
    var choice = checked("record_ok");
    var changed = Array.prototype.some.call(fields.querySelectorAll("[data-stored]"), function (input) {
      return input.value !== input.getAttribute("data-stored");
    });
    var edit = choice === "aanpassen" ||
      (choice === "" && (changed || !!fields.querySelector(".has-error")));
    summary.hidden = edit;
    fields.hidden = !edit;
    if (choice === "klopt") {
      fields.querySelectorAll("[data-stored]").forEach(function (input) {
        input.value = input.getAttribute("data-stored");
      });
    }
  }
  if (summary && fields) {
    if (hint) hint.hidden = true;
    form.querySelectorAll('input[name="record_ok"]').forEach(function (box) {
      box.addEventListener("change", showRecord);
    });
    showRecord();
  }

  /* Step 2: "Nog steeds" shows intensity and start; "Gestopt" the end date. */
  form.querySelectorAll("[data-tie]").forEach(function (tie) {
    var radios = tie.querySelectorAll("input[type=radio]");
    var active = tie.querySelector('[data-show-when="actief"]');
    var ended = tie.querySelector('[data-show-when="beeindigd"]');
    var until = ended ? ended.querySelector("input") : null;
    function current() {
      var on = tie.querySelector("input[type=radio]:checked");
      return on ? on.value : "";
    }
    function show(init) {
      var status = current();
      var endShown = status === "beeindigd" ||
        (init && status === "" && (until.value !== "" || !!ended.querySelector(".has-error")));
      if (!endShown && !init) until.value = "";
      ended.hidden = !endShown;
      active.hidden = status === "beeindigd";
    }
    if (!active || !ended || !until) return;
    radios.forEach(function (r) { r.addEventListener("change", function () { show(false); }); });
    show(true);
  });

  /* Step 3: one empty row at a time; "Nog iemand toevoegen" shows the next or adds one. */
  var list = form.querySelector("[data-new-ties]");
  var template = document.getElementById("nieuwe-rij");
  var add = document.getElementById("nog-iemand");
  var MAX = 50;
  if (!list || !template || !add) return;
  function rows() { return list.querySelectorAll("[data-new-row]"); }
  function empty(row) {
    if (row.querySelector(".has-error")) return false;
    var filled = Array.prototype.some.call(
      row.querySelectorAll("input[type=text], input[type=date], input:not([type])"),
      function (input) { return input.value.trim() !== ""; }
    );
    return !filled && !row.querySelector("input[type=radio]:checked");
  }
  var seenEmpty = false;
  rows().forEach(function (row) {
    if (!empty(row)) return;
    if (seenEmpty) row.hidden = true;
    seenEmpty = true;
  });
  function update() {
    var hidden = list.querySelector("[data-new-row][hidden]");
    add.hidden = !hidden && rows().length >= MAX;
  }
  add.addEventListener("click", function () {
    var row = list.querySelector("[data-new-row][hidden]");
    if (!row) {
      var n = rows().length;
      if (n >= MAX) return;
      var copy = template.content.cloneNode(true);
      copy.querySelectorAll("[id], [for], [name], [aria-describedby]").forEach(function (el) {
        ["id", "for", "name", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.split("__n__").join(String(n)));
        });
      });
      copy.querySelectorAll("[data-row-number]").forEach(function (el) { el.textContent = String(n + 1); });
      row = copy.querySelector("[data-new-row]");
      list.appendChild(copy);
    }
    row.hidden = false;
    var first = row.querySelector("input[type=text]");
    if (first) first.focus();
    update();
  });
  update();
})();

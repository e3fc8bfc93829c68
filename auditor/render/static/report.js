// gk-audit report page: click a finding to scroll to its place and highlight it; click a
// highlight to find its finding. Only ids and classes are touched: report text is never
// inserted as HTML.
(function () {
  "use strict";
  function clearFocus() {
    document.querySelectorAll(".focus").forEach(function (element) { element.classList.remove("focus"); });
  }
  function marksOf(key) {
    return Array.prototype.filter.call(document.querySelectorAll("[data-d]"), function (element) {
      return element.getAttribute("data-d").split(" ").indexOf(key) >= 0;
    });
  }
  function focusFinding(item, scroll) {
    var key = item.getAttribute("data-finding");
    clearFocus();
    document.querySelectorAll('[data-finding="' + key + '"]').forEach(function (element) {
      element.classList.add("focus");
    });
    var marks = marksOf(key);
    marks.forEach(function (element) { element.classList.add("focus"); });
    var link = item.querySelector("a.jump");
    var primary = document.getElementById("at-" + key);
    var cell = primary && primary.closest("td");
    var target = cell || primary || marks[0] || (link && document.getElementById(link.getAttribute("data-target")));
    if (target) {
      target.classList.add("focus");
      if (scroll) { target.scrollIntoView({ behavior: "smooth", block: "center" }); }
    }
    if (window.history && window.history.replaceState && target && target.id) {
      window.history.replaceState(null, "", "#" + target.id);
    }
  }
  document.addEventListener("click", function (event) {
    var item = event.target.closest(".finding, .table-note");
    if (item) {
      event.preventDefault();
      focusFinding(item, true);
      return;
    }
    var mark = event.target.closest("[data-d]");
    if (mark) {
      var key = mark.getAttribute("data-d").split(" ")[0];
      var finding = document.querySelector('.finding[data-finding="' + key + '"]');
      if (finding) {
        focusFinding(finding, false);
        finding.scrollIntoView({ behavior: "smooth", block: "nearest" });
      }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.classList && event.target.classList.contains("finding")) {
      focusFinding(event.target, true);
    }
  });
})();

// gk-audit serve page: drag and drop or choose a file, then submit; download the result.
// Report text is never inserted as HTML: only textContent and Blob downloads.
(function () {
  "use strict";
  var form = document.querySelector("form.upload");
  var LIMIT = form ? Number(form.getAttribute("data-limit")) : 0;
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("file");
  var chosen = document.getElementById("chosen");
  function say(text, bad) {
    if (!chosen) { return; }
    chosen.textContent = text;
    chosen.className = bad ? "chosen bad" : "chosen";
  }
  function submitFile(file) {
    if (file.size > LIMIT) {
      say("文件太大：" + file.name + " 超过 " + form.getAttribute("data-limit-text") + " 的上限。请只上传报告本身。", true);
      return;
    }
    say("正在检查：" + file.name + " …", false);
    HTMLFormElement.prototype.submit.call(form);
  }
  if (form && zone && input) {
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        submitFile(input.files[0]);
      }
    });
    input.addEventListener("change", function () {
      if (input.files.length) { submitFile(input.files[0]); }
    });
  }
  var data = document.getElementById("downloads");
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-download], [data-print]");
    if (!button) { return; }
    if (button.hasAttribute("data-print")) { window.print(); return; }
    var payload = JSON.parse(data.textContent);
    var kind = button.getAttribute("data-download");
    var type = kind === "html" ? "text/html;charset=utf-8" : "application/json;charset=utf-8";
    var url = URL.createObjectURL(new Blob([payload[kind]], { type: type }));
    var link = document.createElement("a");
    link.href = url;
    link.download = payload.stem + ".audit." + kind;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });
})();

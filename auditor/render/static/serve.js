// gk-audit serve page: drop or choose a file (or paste the text), check it without leaving the page,
// show progress while the check runs, check again, download the result; with --watch, follow the
// server's events and show each new result as the file is saved.
// The only HTML inserted is the server's rendered results (every piece of report text escaped there);
// the page's Content-Security-Policy runs no script but this one and report.js.
(function () {
  "use strict";
  var form = document.querySelector("form.upload");
  var results = document.getElementById("results");
  var progress = document.getElementById("progress");
  var progressText = document.getElementById("progress-text");
  var checkButton = document.getElementById("check-button");
  var recheckButton = document.getElementById("recheck-button");
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("file");
  var text = document.getElementById("text");
  var chosen = document.getElementById("chosen");
  var LIMIT = form ? Number(form.getAttribute("data-limit")) : 0;
  var source = null;      // what the clerk gave last: {file: File} or {text: true}
  var busy = false;
  var timer = null;

  function say(message, bad) {
    if (!chosen) { return; }
    chosen.textContent = message;
    chosen.className = bad ? "chosen bad" : "chosen";
  }
  function setButtons(disabled) {
    [checkButton, recheckButton].forEach(function (button) { if (button) { button.disabled = disabled; } });
  }
  function startProgress(label) {
    var started = Date.now();
    busy = true;
    setButtons(true);
    document.body.setAttribute("aria-busy", "true");
    if (zone) { zone.classList.add("busy"); }
    progress.hidden = false;
    progress.className = "progress no-print working";
    function tick() {
      progressText.textContent = label + "（已用 " + Math.floor((Date.now() - started) / 1000) + " 秒）";
    }
    tick();
    clearInterval(timer);
    timer = setInterval(tick, 250);
    return started;
  }
  function stopProgress(message, bad) {
    busy = false;
    clearInterval(timer);
    setButtons(false);
    document.body.removeAttribute("aria-busy");
    if (zone) { zone.classList.remove("busy"); }
    progress.className = "progress no-print " + (bad ? "failed" : "finished");
    progressText.textContent = message;
  }
  function seconds(started) {
    return ((Date.now() - started) / 1000).toFixed(1);
  }
  function show(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html");
    results.replaceChildren.apply(results, Array.prototype.slice.call(parsed.body.childNodes));
  }

  // -- checking an upload --------------------------------------------------------------------------
  function describe(given) {
    return given.file ? "“" + given.file.name + "”" : "粘贴的文本";
  }
  function payload(given) {
    var data = new FormData();
    data.append("year", document.getElementById("year").value);
    data.append("profile", document.getElementById("profile").value);
    if (given.file) {
      data.append("file", given.file, given.file.name);
    } else {
      data.append("text", text.value);
    }
    return data;
  }
  function check(given) {
    if (busy) { return; }
    if (given.file && given.file.size > LIMIT) {
      say("文件太大：" + given.file.name + " 超过 " + form.getAttribute("data-limit-text") + " 的上限。请只上传报告本身。", true);
      return;
    }
    if (!given.file && !text.value.trim()) {
      say("没有收到报告：请选择或拖入一个文件，或把报告全文粘贴到文本框里。", true);
      return;
    }
    source = given;
    say(given.file ? "已选择：" + given.file.name : "", false);
    var started = startProgress("正在检查" + describe(given) + "…");
    fetch("/check", { method: "POST", body: payload(given), headers: { "X-GK-Fragment": "1" } })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        show(answer.html);
        if (recheckButton) { recheckButton.hidden = false; }
        stopProgress(answer.ok ? "检查完成（用时 " + seconds(started) + " 秒）：" + answer.summary
                               : "无法检查" + describe(given) + "。", !answer.ok);
      })
      .catch(function () {
        stopProgress(given.file
          ? "无法再次读取“" + given.file.name + "”：文件可能在选择之后被修改或移走了。请重新选择或拖入这个文件"
            + "（或用 gk-audit serve --watch 文件名，保存后自动检查）。"
          : "检查页面没有响应：gk-audit serve 是否还在运行？", true);
      });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (event.submitter && event.submitter.id === "recheck-button" && source) { check(source); return; }
      if (!text.value.trim() && input.files.length) { check({ file: input.files[0] }); return; }
      check({ text: true });
    });
    if (text) {
      text.addEventListener("input", function () { source = { text: true }; });
    }
    if (zone && input) {
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () { zone.classList.remove("over"); });
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!busy && event.dataTransfer && event.dataTransfer.files.length) {
          check({ file: event.dataTransfer.files[0] });
        }
      });
      input.addEventListener("change", function () {
        if (input.files.length) { check({ file: input.files[0] }); }
      });
    }
  }

  // -- following a watched file ---------------------------------------------------------------------
  var watch = document.getElementById("watch");
  var shownVersion = watch ? Number(watch.getAttribute("data-version")) : 0;
  var watchStarted = 0;
  function follow(state) {
    var line = document.getElementById("watch-state");
    if (state.state === "checking" || state.state === "starting") {
      if (!busy) { watchStarted = startProgress("文件已保存，正在重新检查…"); }
      return;
    }
    if (state.state === "missing") {
      line.textContent = "找不到这个文件（可能正在保存，或已改名、移走）；文件回来后会自动检查。";
      return;
    }
    line.textContent = "上次检查：" + state.checked_at + "　" + state.summary;
    if (state.version === shownVersion) {
      if (busy) { stopProgress("文件没有变化。", false); }
      return;
    }
    fetch("/watch/result").then(function (response) { return response.json(); }).then(function (answer) {
      shownVersion = answer.version;
      show(answer.html);
      var took = watchStarted ? "（用时 " + seconds(watchStarted) + " 秒）" : "";
      stopProgress("已更新" + took + "：" + answer.summary + "（" + answer.checked_at + "）", false);
    });
  }
  if (watch) {
    var events = new EventSource("/events");
    events.onmessage = function (message) { follow(JSON.parse(message.data)); };
    events.onerror = function () {
      var line = document.getElementById("watch-state");
      if (line) { line.textContent = "与 gk-audit serve 的连接断开了，正在重连…"; }
    };
    document.getElementById("watch-recheck").addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) { return; }
      watchStarted = startProgress("正在重新检查…");
      fetch("/watch/recheck", { method: "POST", headers: { "X-GK-Fragment": "1" } });
    });
  }

  // -- downloads --------------------------------------------------------------------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-download], [data-print]");
    if (!button) { return; }
    if (button.hasAttribute("data-print")) { window.print(); return; }
    var data = JSON.parse(document.getElementById("downloads").textContent);
    var kind = button.getAttribute("data-download");
    var type = kind === "html" ? "text/html;charset=utf-8" : "application/json;charset=utf-8";
    var url = URL.createObjectURL(new Blob([data[kind]], { type: type }));
    var link = document.createElement("a");
    link.href = url;
    link.download = data.stem + ".audit." + kind;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });
})();

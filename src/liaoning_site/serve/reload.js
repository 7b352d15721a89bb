// Live reload for the liaoning-site preview (added to pages by `liaoning-site serve` only).
(function () {
  "use strict";
  var epoch = null;
  var overlayId = "liaoning-site-errors";

  function showErrors(errors) {
    var box = document.getElementById(overlayId);
    if (!box) {
      box = document.createElement("div");
      box.id = overlayId;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);" +
        "color:#fff;font:15px/1.6 ui-monospace,Menlo,Consolas,monospace;padding:24px";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("p");
    title.style.cssText = "font:bold 18px/1.4 system-ui,sans-serif;color:#ffb4a8;margin:0 0 12px";
    title.textContent = "构建失败（" + errors.length + " 个错误），下面仍显示上一次成功构建的页面。修正后将自动刷新：";
    box.appendChild(title);
    errors.forEach(function (e) {
      var line = document.createElement("pre");
      line.className = "liaoning-site-error";
      line.style.cssText = "white-space:pre-wrap;margin:0 0 8px;color:#fff";
      line.textContent = e.text; // textContent: messages are shown, never parsed as HTML
      box.appendChild(line);
    });
  }

  function swapStylesheets(version) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href);
      url.searchParams.set("liaoning-reload", String(version));
      var fresh = link.cloneNode();
      fresh.href = url.toString();
      fresh.onload = function () { link.remove(); };
      link.after(fresh);
    });
  }

  var source = new EventSource("/__liaoning/events");
  source.onopen = function () { document.documentElement.setAttribute("data-live-reload", "on"); };
  source.onmessage = function (event) {
    var state = JSON.parse(event.data);
    var first = epoch === null;
    var changed = !first && state.epoch !== epoch;
    epoch = state.epoch;
    if (state.errors.length) { showErrors(state.errors); return; }
    if (!changed) return;
    if (state.css) { swapStylesheets(state.epoch); return; }
    location.reload();
  };
})();

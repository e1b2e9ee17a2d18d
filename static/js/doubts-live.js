// The instructor's live list of questions: fetch the list again every 10 seconds and swap
// it in, except while a minute is being typed (that would throw the typing away).
(function () {
  var list = document.getElementById("cm-live-list");
  if (!list) return;
  var url = list.getAttribute("data-refresh-url");
  var stamp = document.getElementById("cm-refreshed");
  function busy() {
    var active = document.activeElement;
    return active && list.contains(active) && active.tagName === "INPUT" && active.value !== "";
  }
  function refresh() {
    if (busy()) return;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || busy()) return;
        list.innerHTML = html;
        if (stamp) stamp.textContent = "Updated " + new Date().toLocaleTimeString();
      })
      .catch(function () { /* offline for a moment: try again next time */ });
  }
  setInterval(refresh, 10000);
})();

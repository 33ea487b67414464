/* Live previews of the data-entry forms (hepatrial).
 *
 * A form with data-live-url is posted, as typed, to that URL whenever a field changes; the
 * server answers with JSON whose "html" replaces the element named by data-live-target. Every
 * rule and every number (eligibility, standardized lab values, MELD, Child-Pugh, dose, volume)
 * is computed by the server; this script only carries the form there and the answer back.
 */
(function () {
  "use strict";

  function attach(form) {
    var target = document.getElementById(form.dataset.liveTarget);
    if (!target) {
      return;
    }
    var timer = null;
    var sent = 0;

    function refresh() {
      var mine = ++sent;
      var body = new FormData(form);
      body.delete("action");
      fetch(form.dataset.liveUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          // an older answer arriving after a newer one must not overwrite it
          if (data && mine === sent) {
            target.innerHTML = data.html;
            target.dataset.updated = String(mine);
          }
        })
        .catch(function () {});
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 250);
    }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
    // a preview still waiting when the form is saved is not needed any more
    form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      sent += 1;
    });
  }

  document.querySelectorAll("form[data-live-url]").forEach(attach);
})();

/* INR/USD switch on the pricing cards. The page works without it: the switch is a GET form
   (?currency=USD) that the server renders. With it, prices flip in place, checkout links carry
   the chosen currency, and the choice is remembered for the next visit. */
(function () {
  "use strict";
  var KEY = "masterclass.currency";
  var CURRENCIES = ["INR", "USD"];

  function apply(currency) {
    if (CURRENCIES.indexOf(currency) === -1) {
      return;
    }
    document.querySelectorAll("[data-currency]").forEach(function (el) {
      el.hidden = el.getAttribute("data-currency") !== currency;
    });
    document.querySelectorAll("[data-currency-choice]").forEach(function (button) {
      var chosen = button.getAttribute("data-currency-choice") === currency;
      button.setAttribute("aria-pressed", chosen ? "true" : "false");
    });
    document.querySelectorAll("a[data-checkout-link]").forEach(function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      url.searchParams.set("currency", currency);
      link.setAttribute("href", url.pathname + url.search);
    });
    try {
      window.localStorage.setItem(KEY, currency);
    } catch (error) {
      /* private mode: the choice just is not remembered */
    }
  }

  function init() {
    document.querySelectorAll("[data-currency-switch]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var button = event.submitter;
        if (!button || !button.value) {
          return;
        }
        event.preventDefault();
        apply(button.value);
        var url = new URL(window.location.href);
        url.searchParams.set("currency", button.value);
        window.history.replaceState(null, "", url.pathname + url.search + url.hash);
      });
    });
    var params = new URLSearchParams(window.location.search);
    if (!params.has("currency")) {
      var remembered = null;
      try {
        remembered = window.localStorage.getItem(KEY);
      } catch (error) {
        remembered = null;
      }
      if (remembered) {
        apply(remembered);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

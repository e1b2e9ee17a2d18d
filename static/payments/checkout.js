// Opens Razorpay's standard checkout with the options the server rendered as JSON.
// No inline script (CSP): the options live in <script id="razorpay-options" type="application/json">.
(function () {
  "use strict";
  var button = document.getElementById("razorpay-pay");
  var status = document.getElementById("razorpay-status");
  var source = document.getElementById("razorpay-options");
  if (!button || !source) { return; }
  var options = JSON.parse(source.textContent);

  function open() {
    if (typeof window.Razorpay !== "function") {
      status.textContent = "The payment window could not load. Check your connection and reload this page.";
      return;
    }
    var checkout = new window.Razorpay(options);
    if (typeof checkout.on === "function") {
      checkout.on("payment.failed", function (response) {
        var reason = response && response.error && response.error.description;
        status.textContent = (reason || "The payment did not go through.") + " You can try again.";
      });
    }
    checkout.open();
  }

  button.addEventListener("click", function (event) {
    event.preventDefault();
    open();
  });
})();

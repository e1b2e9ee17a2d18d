/*
 * Razorpay sandbox checkout.js: the `new Razorpay(options).open()` contract of
 * https://checkout.razorpay.com/v1/checkout.js, for development and tests only.
 *
 * It draws a small modal in the page where a person picks Card, UPI, Netbanking or Card EMI
 * (bank and tenure) and then pays ("Pay ...") or makes the payment fail ("Simulate failure").
 * The sandbox creates the payment and signs it (HMAC-SHA256 of "order_id|payment_id" with the
 * key secret, which never reaches the browser). On success it posts razorpay_payment_id,
 * razorpay_order_id and razorpay_signature to options.callback_url, or calls options.handler.
 * On failure it fires rzp.on("payment.failed") listeners and lets the person retry, unless
 * options.retry is false (then it posts error[...] fields to callback_url, as Razorpay does).
 *
 * Content Security Policy: no inline style attributes or inline scripts. Styles are set
 * through the CSSOM (element.style.x = ...), which CSP allows; the only network calls go to
 * the origin this script was loaded from (script-src/connect-src already allow it).
 *
 * Stable ids for browser tests: #rzp-sandbox-modal, #rzp-method-card, #rzp-method-upi,
 * #rzp-method-netbanking, #rzp-method-emi, #rzp-bank, #rzp-emi-bank, #rzp-emi-tenure,
 * #rzp-sandbox-pay, #rzp-sandbox-fail, #rzp-sandbox-close, #rzp-sandbox-status.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var ORIGIN = script && script.src ? new URL(script.src, window.location.href).origin : "";

  var METHODS = [
    ["card", "Card"],
    ["upi", "UPI"],
    ["netbanking", "Netbanking"],
    ["emi", "Card EMI"],
  ];

  function css(element, styles) {
    Object.keys(styles).forEach(function (name) {
      element.style[name] = styles[name];
    });
    return element;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs.text;
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function money(minor, currency) {
    try {
      return new Intl.NumberFormat("en-IN", { style: "currency", currency: currency }).format(
        minor / 100
      );
    } catch (e) {
      return currency + " " + (minor / 100).toFixed(2);
    }
  }

  function monthly(amountMinor, plan) {
    if (plan.subvention === "merchant" || !plan.interest) return amountMinor / plan.duration;
    var r = plan.interest / 1200;
    var f = Math.pow(1 + r, plan.duration);
    return (amountMinor * r * f) / (f - 1);
  }

  function Razorpay(options) {
    if (!(this instanceof Razorpay)) return new Razorpay(options);
    if (!options || !options.key) throw new Error("Razorpay: options.key is required");
    if (!options.order_id) throw new Error("Razorpay sandbox: options.order_id is required");
    this.options = options;
    this._listeners = {};
    this._root = null;
  }

  Razorpay.prototype.on = function (event, callback) {
    (this._listeners[event] = this._listeners[event] || []).push(callback);
    return this;
  };

  Razorpay.prototype._fire = function (event, payload) {
    (this._listeners[event] || []).forEach(function (callback) {
      callback(payload);
    });
  };

  Razorpay.prototype.close = function () {
    if (this._root && this._root.parentNode) this._root.parentNode.removeChild(this._root);
    if (this._onKey) document.removeEventListener("keydown", this._onKey);
    this._root = null;
    // Give focus back to what opened the modal (the page's pay button).
    if (this._opener && typeof this._opener.focus === "function") this._opener.focus();
    this._opener = null;
  };

  Razorpay.prototype._dismiss = function () {
    this.close();
    var modal = this.options.modal || {};
    if (typeof modal.ondismiss === "function") modal.ondismiss();
  };

  Razorpay.prototype.open = function () {
    if (this._root) return this;
    var self = this;
    var o = this.options;
    var allowed = o.method || {};
    var theme = (o.theme && o.theme.color) || "#3366cc";
    var amountText = money(Number(o.amount || 0), o.currency || "INR");

    var overlay = css(
      el("div", { id: "rzp-sandbox-overlay" }),
      {
        position: "fixed",
        inset: "0",
        background: "rgba(15, 23, 42, 0.55)",
        display: "flex",
        alignItems: "center",
        justifyContent: "center",
        zIndex: "2147483000",
        fontFamily: "system-ui, -apple-system, 'Segoe UI', sans-serif",
      }
    );
    var title = el("h2", { id: "rzp-sandbox-title", text: o.name || "Payment" });
    css(title, { margin: "0", fontSize: "1.15rem" });
    var description = css(el("p", { text: o.description || "" }), {
      margin: "0.25rem 0 0",
      color: "#475569",
      fontSize: "0.9rem",
    });
    var amount = css(el("p", { id: "rzp-sandbox-amount", text: amountText }), {
      margin: "0.5rem 0 0",
      fontSize: "1.4rem",
      fontWeight: "700",
    });
    var badge = css(el("p", { text: "Razorpay sandbox: no real money moves" }), {
      margin: "0.5rem 0 0",
      fontSize: "0.75rem",
      color: "#92400e",
      background: "#fef3c7",
      padding: "0.25rem 0.5rem",
      borderRadius: "4px",
    });
    var close = el("button", { id: "rzp-sandbox-close", type: "button", "aria-label": "Close" });
    close.textContent = "\u00d7";
    css(close, {
      position: "absolute",
      top: "0.5rem",
      right: "0.75rem",
      border: "none",
      background: "transparent",
      fontSize: "1.5rem",
      cursor: "pointer",
    });

    var methodBar = el("div", { role: "group", "aria-label": "Payment method" });
    css(methodBar, { display: "flex", flexWrap: "wrap", gap: "0.4rem", margin: "1rem 0 0.75rem" });
    var panel = el("div", { id: "rzp-sandbox-details" });
    css(panel, { minHeight: "4.5rem", fontSize: "0.9rem" });
    var status = el("p", { id: "rzp-sandbox-status", role: "status", "aria-live": "polite" });
    css(status, { minHeight: "1.2rem", margin: "0.5rem 0", fontSize: "0.85rem" });

    var pay = el("button", { id: "rzp-sandbox-pay", type: "button", text: "Pay " + amountText });
    css(pay, {
      width: "100%",
      padding: "0.7rem",
      border: "none",
      borderRadius: "6px",
      background: theme,
      color: "#fff",
      fontSize: "1rem",
      fontWeight: "600",
      cursor: "pointer",
    });
    var fail = el("button", { id: "rzp-sandbox-fail", type: "button", text: "Simulate failure" });
    css(fail, {
      width: "100%",
      marginTop: "0.4rem",
      padding: "0.5rem",
      border: "1px solid #cbd5e1",
      borderRadius: "6px",
      background: "#fff",
      color: "#b91c1c",
      cursor: "pointer",
    });

    var box = el(
      "div",
      {
        id: "rzp-sandbox-modal",
        role: "dialog",
        "aria-modal": "true",
        "aria-labelledby": "rzp-sandbox-title",
      },
      [close, title, description, amount, badge, methodBar, panel, status, pay, fail]
    );
    css(box, {
      position: "relative",
      width: "min(24rem, 92vw)",
      background: "#fff",
      color: "#0f172a",
      borderRadius: "10px",
      padding: "1.25rem 1.25rem 1rem",
      boxShadow: "0 20px 50px rgba(0,0,0,0.3)",
      borderTop: "6px solid " + theme,
    });
    overlay.appendChild(box);

    var state = { method: null, methods: null };
    var buttons = {};

    function label(text, forId) {
      return css(el("label", { for: forId, text: text }), {
        display: "block",
        margin: "0.4rem 0 0.15rem",
        fontWeight: "600",
      });
    }

    function select(id, entries) {
      var node = el("select", { id: id, name: id });
      entries.forEach(function (entry) {
        node.appendChild(el("option", { value: entry[0], text: entry[1] }));
      });
      return css(node, { width: "100%", padding: "0.35rem" });
    }

    function renderTenures() {
      var bank = document.getElementById("rzp-emi-bank").value;
      var plans = (state.methods.emi_options || {})[bank] || [];
      var tenure = document.getElementById("rzp-emi-tenure");
      tenure.textContent = "";
      plans.forEach(function (plan) {
        var text =
          plan.duration +
          " months \u2014 " +
          money(Math.round(monthly(Number(o.amount || 0), plan)), o.currency || "INR") +
          "/month" +
          (plan.subvention === "merchant" ? " (no-cost EMI)" : " at " + plan.interest + "% p.a.");
        tenure.appendChild(el("option", { value: String(plan.duration), text: text }));
      });
    }

    function choose(method) {
      state.method = method;
      Object.keys(buttons).forEach(function (key) {
        var on = key === method;
        buttons[key].setAttribute("aria-pressed", on ? "true" : "false");
        css(buttons[key], {
          background: on ? theme : "#f1f5f9",
          color: on ? "#fff" : "#0f172a",
        });
      });
      panel.textContent = "";
      status.textContent = "";
      if (method === "card") {
        panel.appendChild(el("p", { text: "Test card 4111 1111 1111 1111, any future expiry." }));
      } else if (method === "upi") {
        panel.appendChild(el("p", { text: "UPI ID success@razorpay (approve in your UPI app)." }));
      } else if (method === "netbanking") {
        var banks = Object.keys((state.methods && state.methods.netbanking) || {}).map(
          function (code) {
            return [code, state.methods.netbanking[code]];
          }
        );
        panel.appendChild(label("Bank", "rzp-bank"));
        panel.appendChild(select("rzp-bank", banks));
      } else if (method === "emi") {
        var names = (state.methods && state.methods.emi_banks) || {};
        var emiBanks = Object.keys((state.methods && state.methods.emi_options) || {}).map(
          function (code) {
            return [code, names[code] || code];
          }
        );
        panel.appendChild(label("EMI bank", "rzp-emi-bank"));
        panel.appendChild(select("rzp-emi-bank", emiBanks));
        panel.appendChild(label("Tenure", "rzp-emi-tenure"));
        panel.appendChild(select("rzp-emi-tenure", []));
        renderTenures();
        document.getElementById("rzp-emi-bank").addEventListener("change", renderTenures);
      }
    }

    METHODS.forEach(function (entry) {
      if (allowed[entry[0]] === false) return;
      var button = el("button", {
        id: "rzp-method-" + entry[0],
        type: "button",
        text: entry[1],
        "aria-pressed": "false",
      });
      css(button, {
        padding: "0.4rem 0.7rem",
        border: "1px solid #cbd5e1",
        borderRadius: "999px",
        cursor: "pointer",
        background: "#f1f5f9",
      });
      button.addEventListener("click", function () {
        choose(entry[0]);
      });
      buttons[entry[0]] = button;
      methodBar.appendChild(button);
    });

    function setBusy(busy) {
      var all = [pay, fail].concat(
        Object.keys(buttons).map(function (key) {
          return buttons[key];
        })
      );
      all.forEach(function (b) {
        b.disabled = busy;
      });
    }

    function postForm(fields) {
      var form = el("form", { method: "POST", action: o.callback_url });
      css(form, { display: "none" });
      Object.keys(fields).forEach(function (name) {
        form.appendChild(el("input", { type: "hidden", name: name, value: fields[name] }));
      });
      document.body.appendChild(form);
      form.submit();
    }

    function submit(outcome) {
      if (!state.method) {
        status.textContent = "Choose a payment method.";
        return;
      }
      var prefill = o.prefill || {};
      var body = {
        key_id: o.key,
        order_id: o.order_id,
        method: state.method,
        outcome: outcome,
        email: prefill.email || "",
        contact: prefill.contact || "",
        notes: o.notes || null,
      };
      if (state.method === "netbanking") body.bank = document.getElementById("rzp-bank").value;
      if (state.method === "emi") {
        body.bank = document.getElementById("rzp-emi-bank").value;
        body.emi_tenure = Number(document.getElementById("rzp-emi-tenure").value);
      }
      setBusy(true);
      status.textContent = "Processing\u2026";
      fetch(ORIGIN + "/v1/checkout/payments", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok, data: data };
          });
        })
        .then(function (result) {
          if (result.ok) {
            status.textContent = "Payment successful.";
            var paid = {
              razorpay_payment_id: result.data.razorpay_payment_id,
              razorpay_order_id: result.data.razorpay_order_id,
              razorpay_signature: result.data.razorpay_signature,
            };
            self.close();
            if (o.callback_url && o.redirect !== false) postForm(paid);
            else if (typeof o.handler === "function") o.handler(paid);
            return;
          }
          var error = (result.data && result.data.error) || {
            code: "SERVER_ERROR",
            description: "Payment failed",
          };
          self._fire("payment.failed", { error: error });
          var noRetry = o.retry === false || (o.retry && o.retry.enabled === false);
          if (noRetry) {
            self.close();
            if (o.callback_url && o.redirect !== false) {
              postForm({
                "error[code]": error.code || "",
                "error[description]": error.description || "",
                "error[source]": error.source || "",
                "error[step]": error.step || "",
                "error[reason]": error.reason || "",
                "error[metadata]": JSON.stringify(error.metadata || {}),
              });
            }
            return;
          }
          setBusy(false);
          status.textContent =
            "Payment failed: " + error.description + " Choose a method and try again.";
          css(status, { color: "#b91c1c" });
        })
        .catch(function () {
          setBusy(false);
          status.textContent = "Could not reach the payment service. Try again.";
          css(status, { color: "#b91c1c" });
        });
    }

    pay.addEventListener("click", function () {
      submit("success");
    });
    fail.addEventListener("click", function () {
      submit("failure");
    });
    close.addEventListener("click", function () {
      self._dismiss();
    });
    this._onKey = function (event) {
      var modal = o.modal || {};
      if (event.key === "Escape" && modal.escape !== false) self._dismiss();
    };
    document.addEventListener("keydown", this._onKey);

    this._opener = document.activeElement;
    this._root = overlay;
    document.body.appendChild(overlay);
    close.focus();
    setBusy(true);
    status.textContent = "Loading payment methods\u2026";
    fetch(ORIGIN + "/v1/methods?key_id=" + encodeURIComponent(o.key))
      .then(function (response) {
        if (!response.ok) throw new Error("methods " + response.status);
        return response.json();
      })
      .then(function (methods) {
        state.methods = methods;
        setBusy(false);
        status.textContent = "";
        var first = METHODS.filter(function (entry) {
          return allowed[entry[0]] !== false;
        })[0];
        if (first) {
          choose(first[0]);
          buttons[first[0]].focus();
        }
      })
      .catch(function () {
        status.textContent = "Could not load payment methods (is the key id right?).";
      });
    return this;
  };

  window.Razorpay = Razorpay;
})();

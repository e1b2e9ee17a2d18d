"""A small HTML "Razorpay dashboard" for people running the demo: /sandbox/dashboard.

It lists orders, payments, refunds and webhook deliveries, and offers what a merchant does in
Razorpay's dashboard outside our site (refund a payment, settle a pending refund) plus the
sandbox's own switches (release held webhooks, reset). Plain forms, no JavaScript.
"""

from __future__ import annotations

import datetime
from html import escape

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem;color:#0f172a;background:#f8fafc}
h1{font-size:1.3rem;margin:0 0 .25rem}h2{font-size:1.05rem;margin:1.5rem 0 .4rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #e2e8f0;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f1f5f9}code{font-size:12px}.muted{color:#64748b}
form{display:inline}input[type=number]{width:7rem}
.bad{color:#b91c1c}.ok{color:#15803d}.note{background:#fef3c7;padding:.4rem .6rem}
"""


def _money(minor: int | None, currency: str) -> str:
    if minor is None:
        return ""
    return f"{currency} {minor / 100:,.2f}"


def _when(timestamp: float | int | None) -> str:
    if not timestamp:
        return ""
    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    return moment.strftime("%H:%M:%S")


def _status(value: str | None) -> str:
    value = value or ""
    css = {
        "paid": "ok",
        "captured": "ok",
        "processed": "ok",
        "delivered": "ok",
        "failed": "bad",
        "dropped": "bad",
    }.get(value, "")
    return f'<span class="{css}">{escape(value)}</span>'


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f'<p class="muted">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render(sandbox, *, error: str = "") -> bytes:
    state = sandbox.account.snapshot()
    info = sandbox.describe()
    deliveries = sandbox.webhooks.log()
    message = f'<p class="bad" role="alert">{escape(error)}</p>' if error else ""

    orders = [
        [
            f"<code>{escape(o['id'])}</code>",
            escape(str(o["receipt"] or "")),
            _money(o["amount"], o["currency"]),
            _status(o["status"]),
            str(o["attempts"]),
            _when(o["created_at"]),
        ]
        for o in (r["entity"] for r in reversed(list(state["orders"].values())))
    ]
    payments = []
    for p in reversed(list(state["payments"].values())):
        left = p["amount"] - p["amount_refunded"]
        action = ""
        if p["status"] in ("captured", "refunded") and left > 0:
            action = (
                '<form method="post" action="/sandbox/dashboard/refund">'
                f'<input type="hidden" name="payment_id" value="{escape(p["id"])}">'
                f'<input type="number" name="amount" min="100" max="{left}" value="{left}" '
                f'aria-label="Amount in paise for {escape(p["id"])}"> '
                "<button>Refund</button></form>"
            )
        method = p["method"]
        if p["bank"]:
            method += f" ({p['bank']})"
        payments.append(
            [
                f"<code>{escape(p['id'])}</code>",
                f"<code>{escape(p['order_id'])}</code>",
                escape(method),
                _money(p["amount"], p["currency"]),
                _status(p["status"]),
                _money(p["amount_refunded"], p["currency"]),
                action,
            ]
        )
    refunds = []
    for r in reversed(list(state["refunds"].values())):
        action = ""
        if r["status"] == "pending":
            action = "".join(
                '<form method="post" action="/sandbox/dashboard/settle">'
                f'<input type="hidden" name="refund_id" value="{escape(r["id"])}">'
                f'<input type="hidden" name="outcome" value="{outcome}">'
                f"<button>Mark {outcome}</button></form> "
                for outcome in ("processed", "failed")
            )
        refunds.append(
            [
                f"<code>{escape(r['id'])}</code>",
                f"<code>{escape(r['payment_id'])}</code>",
                _money(r["amount"], r["currency"]),
                _status(r["status"]),
                _when(r["created_at"]),
                action,
            ]
        )
    webhook_rows = [
        [
            str(d["seq"]),
            escape(d["event"]),
            f"<code>{escape(d['event_id'])}</code>",
            _status(d["status"]),
            escape(str(d["response_status"] or d["error"] or "")),
            str(d["attempts"]),
            _when(d["created_at"]),
        ]
        for d in reversed(deliveries)
    ]
    held = sum(1 for d in deliveries if d["status"] == "held")
    faults = {k: v for k, v in info["faults"].items() if v not in (False, 0.0, {}, None)}

    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Razorpay sandbox dashboard</title><style>{_STYLE}</style></head><body>
<h1>Razorpay sandbox dashboard</h1>
<p class="note">A stand-in for Razorpay's dashboard: nothing here moves real money.
Refunds made here reach the site only through webhooks, like a refund made by hand at
Razorpay.</p>{message}
<p class="muted">Key id <code>{escape(info["key_id"])}</code> &middot; webhooks to
<code>{escape(str(info["webhook_url"] or "(recorded only)"))}</code> &middot; refunds settle:
{escape(info["refund_mode"])} &middot; faults: <code>{escape(str(faults or "none"))}</code></p>
<form method="post" action="/sandbox/dashboard/release"><button>Release {held} held
webhook(s)</button></form>
<form method="post" action="/sandbox/dashboard/reset"><button>Reset the sandbox</button></form>
<h2>Payments</h2>{
        _table(
            ["Payment", "Order", "Method", "Amount", "Status", "Refunded", "Refund"],
            payments,
            "No payments yet.",
        )
    }
<h2>Refunds</h2>{
        _table(
            ["Refund", "Payment", "Amount", "Status", "Created", ""],
            refunds,
            "No refunds yet.",
        )
    }
<h2>Orders</h2>{
        _table(
            ["Order", "Receipt", "Amount", "Status", "Attempts", "Created"],
            orders,
            "No orders yet.",
        )
    }
<h2>Webhook deliveries</h2>{
        _table(
            ["#", "Event", "Event id", "Status", "Answer", "Attempts", "Created"],
            webhook_rows,
            "No webhooks yet.",
        )
    }
</body></html>"""
    return page.encode()

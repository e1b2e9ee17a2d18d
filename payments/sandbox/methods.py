"""What the sandbox account accepts: netbanking banks and card EMI plans (GET /v1/methods)."""

NETBANKING_BANKS = {
    "HDFC": "HDFC Bank",
    "ICIC": "ICICI Bank",
    "SBIN": "State Bank of India",
    "UTIB": "Axis Bank",
    "KKBK": "Kotak Mahindra Bank",
    "YESB": "Yes Bank",
}

# Card EMI plans as the Methods API returns them: per issuing bank, one plan per tenure with
# the yearly interest rate in percent. "subvention": "merchant" marks a no-cost EMI plan
# (the merchant pays the interest, the buyer pays the price split in equal parts).
EMI_TENURES = (3, 6, 12, 24)
EMI_MIN_AMOUNT = 300000  # paise: Razorpay's card EMI starts at ₹3,000
EMI_RATES = {
    "HDFC": {3: 14, 6: 14, 12: 15, 24: 15},
    "ICIC": {3: 13, 6: 13, 12: 14, 24: 15},
    "SBIN": {3: 14, 6: 14, 12: 14, 24: 14},
    "UTIB": {3: 14, 6: 15, 12: 15, 24: 15},
    "KKBK": {3: 15, 6: 15, 12: 16, 24: 16},
}
_NO_COST = {("HDFC", 3), ("HDFC", 6), ("ICIC", 3)}
EMI_BANK_NAMES = {code: NETBANKING_BANKS[code] for code in EMI_RATES}


def emi_options() -> dict:
    options = {}
    for bank, rates in EMI_RATES.items():
        options[bank] = [
            {
                "duration": months,
                "interest": rate,
                "subvention": "merchant" if (bank, months) in _NO_COST else "customer",
                "min_amount": EMI_MIN_AMOUNT,
                "merchant_payback": f"{rate * months / 24:.2f}"
                if (bank, months) in _NO_COST
                else "0",
            }
            for months, rate in rates.items()
        ]
    return options


def methods_entity() -> dict:
    """What GET /v1/methods answers for this account."""
    return {
        "entity": "methods",
        "card": True,
        "debit_card": True,
        "credit_card": True,
        "prepaid_card": True,
        "card_networks": {"AMEX": 0, "DICL": 0, "MC": 1, "MAES": 1, "RUPAY": 1, "VISA": 1},
        "amex": False,
        "netbanking": dict(NETBANKING_BANKS),
        "wallet": {},
        "emi": True,
        "upi": True,
        "cardless_emi": {},
        "paylater": {},
        "emi_subvention": "customer",
        "emi_options": emi_options(),
        "emi_banks": dict(EMI_BANK_NAMES),
        "recurring": {"card": {"credit": ["VISA", "MC"], "debit": []}},
    }

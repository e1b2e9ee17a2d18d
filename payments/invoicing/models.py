"""GST documents: the seller's settings, numbered invoices and credit notes, and their counters.

An invoice is a snapshot: every name, address, rate and amount printed on it is copied onto its
row when it is issued, so later edits to the seller settings, the order or the catalogue never
change an issued document. Amounts are integer minor units of the document's currency; the
INR value of a foreign-currency document uses the exchange rate recorded on it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from masterclass.geo import INDIAN_STATES

NUMBER_MAX_LENGTH = 16  # GST rule 46(b): at most 16 characters, letters, digits, "-" and "/"
_number_validator = RegexValidator(r"^[A-Za-z0-9/-]{1,16}$", "Letters, digits, - and / only.")
_prefix_validator = RegexValidator(
    r"^[A-Z0-9-]{1,4}$", "One to four capital letters, digits or '-' (the number has 16 at most)."
)


class GSTStatus(models.TextChoices):
    REGULAR = "regular", "Registered (regular)"
    COMPOSITION = "composition", "Registered (composition scheme)"
    UNREGISTERED = "unregistered", "Not registered"


class SellerSettings(models.Model):
    """Who sells: one row (pk=1), edited in the admin; first filled from the environment."""

    legal_name = models.CharField(max_length=200)
    trade_name = models.CharField(max_length=200, blank=True)
    address = models.TextField()
    state_code = models.CharField(max_length=2, choices=INDIAN_STATES)
    gst_status = models.CharField(
        max_length=12, choices=GSTStatus.choices, default=GSTStatus.REGULAR
    )
    gstin = models.CharField("GSTIN", max_length=15, blank=True)
    pan = models.CharField("PAN", max_length=10, blank=True)
    email = models.EmailField(blank=True)
    lut_reference = models.CharField(
        "LUT reference (ARN)", max_length=40, blank=True, help_text="Letter of Undertaking."
    )
    lut_date = models.DateField("LUT date", null=True, blank=True)
    sac_code = models.CharField("SAC code", max_length=8, default="999293")
    service_description = models.CharField(
        max_length=120, default="Commercial training and coaching services"
    )
    gst_rate = models.DecimalField(
        "GST rate (%)", max_digits=5, decimal_places=2, default=Decimal("18.00")
    )
    invoice_prefix = models.CharField(max_length=4, default="MC", validators=[_prefix_validator])
    credit_note_prefix = models.CharField(
        max_length=4, default="MCCN", validators=[_prefix_validator]
    )
    financial_credit_note_prefix = models.CharField(
        max_length=4,
        default="MCFC",
        validators=[_prefix_validator],
        help_text="Series of credit notes past the section 34(2) time limit (no GST adjustment).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "seller settings"
        verbose_name_plural = "seller settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="seller_settings_singleton"),
            models.CheckConstraint(
                condition=~Q(invoice_prefix=models.F("credit_note_prefix")),
                name="seller_prefixes_differ",
            ),
        ]

    def __str__(self):
        return self.legal_name

    def clean(self):
        from django.core.exceptions import ValidationError

        from masterclass.gstin import InvalidGSTIN, normalize_gstin

        errors = {}
        if self.gst_status == GSTStatus.UNREGISTERED:
            self.gstin = ""
        else:
            try:
                self.gstin = normalize_gstin(self.gstin)
            except InvalidGSTIN as exc:
                errors["gstin"] = str(exc)
            else:
                if self.gstin[:2] != self.state_code:
                    errors["gstin"] = "The GSTIN's first two digits must be the seller's state."
        if self.invoice_prefix == self.credit_note_prefix:
            errors["credit_note_prefix"] = "Credit notes need their own series prefix."
        if self.financial_credit_note_prefix in (self.invoice_prefix, self.credit_note_prefix):
            errors["financial_credit_note_prefix"] = (
                "Financial credit notes need their own series prefix."
            )
        if bool(self.lut_reference) != bool(self.lut_date):
            errors["lut_date"] = "Give both the LUT reference and its date, or neither."
        if errors:
            raise ValidationError(errors)


class ExchangeRate(models.Model):
    """INR per unit of a foreign currency from a date on (e.g. the RBI reference rate)."""

    currency = models.CharField(max_length=3, default="USD")
    effective_on = models.DateField()
    inr_per_unit = models.DecimalField(max_digits=12, decimal_places=4)
    source = models.CharField(max_length=120, default="RBI reference rate")

    class Meta:
        ordering = ["currency", "-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "effective_on"], name="one_rate_per_currency_and_day"
            ),
            models.CheckConstraint(condition=Q(inr_per_unit__gt=0), name="rate_positive"),
        ]

    def __str__(self):
        return f"1 {self.currency} = ₹{self.inr_per_unit} from {self.effective_on}"


class DocumentCounter(models.Model):
    """The last number taken in one series and financial year; locked to take the next one."""

    class Series(models.TextChoices):
        INVOICE = "invoice", "Invoices"
        CREDIT_NOTE = "credit_note", "Credit notes"
        FINANCIAL_CREDIT_NOTE = "financial_cn", "Financial credit notes"

    series = models.CharField(max_length=12, choices=Series.choices)
    financial_year = models.CharField(max_length=7, help_text='e.g. "2025-26"')
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "financial_year"], name="one_counter_per_series_and_year"
            )
        ]

    def __str__(self):
        return f"{self.get_series_display()} {self.financial_year}: {self.last_number}"


class _Document(models.Model):
    """Fields shared by invoices and credit notes: number, amounts, tax split, the PDF."""

    number = models.CharField(
        max_length=NUMBER_MAX_LENGTH, unique=True, validators=[_number_validator]
    )
    financial_year = models.CharField(max_length=7, db_index=True)
    sequence = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_on = models.DateField(db_index=True)

    currency = models.CharField(max_length=3)
    total_minor = models.PositiveIntegerField()
    taxable_minor = models.PositiveIntegerField()
    cgst_minor = models.PositiveIntegerField(default=0)
    sgst_minor = models.PositiveIntegerField(default=0)
    igst_minor = models.PositiveIntegerField(default=0)
    round_off_minor = models.IntegerField(default=0)
    amount_in_words = models.CharField(max_length=300)
    # INR per unit of `currency` (1 for INR) and the INR values a GST return reports.
    exchange_rate = models.DecimalField(max_digits=12, decimal_places=4, default=Decimal("1"))
    exchange_rate_source = models.CharField(max_length=160, blank=True)
    total_inr_minor = models.PositiveIntegerField()
    taxable_inr_minor = models.PositiveIntegerField()
    cgst_inr_minor = models.PositiveIntegerField(default=0)
    sgst_inr_minor = models.PositiveIntegerField(default=0)
    igst_inr_minor = models.PositiveIntegerField(default=0)

    pdf = models.FileField(upload_to="documents/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.number

    @property
    def tax_minor(self) -> int:
        return self.cgst_minor + self.sgst_minor + self.igst_minor

    @property
    def pdf_filename(self) -> str:
        return self.number.replace("/", "-") + ".pdf"


class Invoice(_Document):
    """The GST document for one paid order: tax invoice, export invoice, bill of supply or a
    plain invoice (unregistered seller). Read-only once issued; corrected by credit notes."""

    class Kind(models.TextChoices):
        TAX_INVOICE = "tax_invoice", "Tax invoice"
        EXPORT_INVOICE = "export_invoice", "Tax invoice (export of services)"
        BILL_OF_SUPPLY = "bill_of_supply", "Bill of supply"
        INVOICE = "invoice", "Invoice"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    # An order has one current invoice; a corrected invoice supersedes the old one (which a
    # full credit note cancels), so an order can have several, one of them current.
    order = models.ForeignKey("payments.Order", on_delete=models.PROTECT, related_name="invoices")
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        help_text="The invoice this one replaces (cancelled by a full credit note).",
    )
    superseded_at = models.DateTimeField(
        null=True, blank=True, help_text="When a corrected invoice replaced this one."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoices"
    )

    seller_legal_name = models.CharField(max_length=200)
    seller_trade_name = models.CharField(max_length=200, blank=True)
    seller_address = models.TextField()
    seller_state_code = models.CharField(max_length=2)
    seller_state_name = models.CharField(max_length=60)
    seller_gst_status = models.CharField(max_length=12, choices=GSTStatus.choices)
    seller_gstin = models.CharField(max_length=15, blank=True)
    seller_pan = models.CharField(max_length=10, blank=True)
    seller_email = models.EmailField(blank=True)
    lut_reference = models.CharField(max_length=40, blank=True)
    lut_date = models.DateField(null=True, blank=True)

    buyer_name = models.CharField(max_length=150)
    buyer_email = models.EmailField()
    buyer_company_name = models.CharField(max_length=200, blank=True)
    buyer_address = models.TextField(blank=True)
    buyer_gstin = models.CharField(max_length=15, blank=True, db_index=True)
    buyer_state_code = models.CharField(max_length=2, blank=True)
    buyer_country_code = models.CharField(max_length=2)
    buyer_country_name = models.CharField(max_length=80)

    place_of_supply_code = models.CharField(max_length=2, db_index=True)
    place_of_supply_name = models.CharField(max_length=80)
    reverse_charge = models.BooleanField(default=False)

    line_description = models.CharField(max_length=300)
    sac_code = models.CharField(max_length=8)
    quantity = models.PositiveSmallIntegerField(default=1)
    gst_rate = models.DecimalField(max_digits=5, decimal_places=2)
    cgst_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    sgst_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    igst_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    legend = models.TextField(blank=True, help_text="Legally required sentence, if any.")

    order_reference = models.CharField(max_length=20)
    payment_channel = models.CharField(max_length=10)
    payment_reference = models.CharField(max_length=100, blank=True)
    payment_method = models.CharField(max_length=20, blank=True)
    emi_tenure_months = models.PositiveSmallIntegerField(null=True, blank=True)
    emi_bank = models.CharField(max_length=40, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        permissions = [
            ("download_any_document", "Can download any invoice or credit note"),
            ("export_documents", "Can export GST CSVs and PDF archives"),
            ("view_revenue", "Can see the revenue page"),
            ("correct_invoice", "Can replace an invoice by a credit note and a corrected invoice"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "sequence"], name="one_invoice_per_sequence_and_year"
            ),
            models.CheckConstraint(
                condition=Q(cgst_minor=models.F("sgst_minor")), name="invoice_cgst_equals_sgst"
            ),
            models.CheckConstraint(
                condition=Q(cgst_minor=0) | Q(igst_minor=0), name="invoice_intra_or_inter"
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_invoice_per_order",
            ),
            models.CheckConstraint(
                condition=~Q(corrects=models.F("id")), name="invoice_does_not_correct_itself"
            ),
        ]
        indexes = [models.Index(fields=["issued_on", "currency"])]

    @property
    def is_tax_document(self) -> bool:
        """A tax invoice (domestic or export), as opposed to a bill of supply or plain invoice."""
        return self.kind in (self.Kind.TAX_INVOICE, self.Kind.EXPORT_INVOICE)


class CreditNote(_Document):
    """Reverses all or part of an invoice when a refund is made; its own number series.

    A GST credit note (section 34 CGST Act) reduces the tax of the original supply. One issued
    after the time limit of section 34(2) — 30 November after the end of the financial year of
    the invoice — cannot: it is a *financial* credit note, in its own series, that records the
    money given back with no tax on it (taxable value = amount, no CGST/SGST/IGST), and is not
    reported in GSTR-1.
    """

    class Kind(models.TextChoices):
        GST = "gst", "Credit note"
        FINANCIAL = "financial", "Financial credit note (no GST adjustment)"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GST)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    refund_reference = models.CharField(max_length=100, unique=True)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            # GST and financial credit notes are two series, each gapless per year.
            models.UniqueConstraint(
                fields=["kind", "financial_year", "sequence"],
                name="one_credit_note_per_series_sequence_and_year",
            ),
            models.CheckConstraint(condition=Q(total_minor__gt=0), name="credit_note_positive"),
            models.CheckConstraint(
                condition=~Q(kind="financial")
                | Q(cgst_minor=0, sgst_minor=0, igst_minor=0, round_off_minor=0),
                name="financial_credit_note_has_no_tax",
            ),
        ]

    @property
    def reduces_tax(self) -> bool:
        return self.kind == self.Kind.GST

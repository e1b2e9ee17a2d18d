"""Issuing invoices and credit notes, taking their numbers, and correcting billing details.

Lock order, always: Order -> Invoice -> DocumentCounter. A number is taken from its counter row
last, just before the document row is written, and inside the caller's transaction: if that
transaction rolls back the number is given back with it, so numbers have no gaps.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masterclass.geo import COUNTRIES, INDIA, INDIAN_STATE_NAMES
from masterclass.gstin import InvalidGSTIN, normalize_gstin
from payments.models import Order, Payment

from .models import CreditNote, DocumentCounter, GSTStatus, Invoice
from .seller import exchange_rate_on, seller_settings
from .tasks import send_corrected_invoice_email_task
from .tax import (
    TaxSplit,
    Treatment,
    amount_in_words,
    credit_note_deadline,
    financial_year_of,
    format_number,
    local_date,
    split_credit,
    split_inclusive_price,
    to_inr_minor,
)

logger = logging.getLogger(__name__)

COUNTRY_NAMES = dict(COUNTRIES)
OUTSIDE_INDIA_CODE = "96"
OUTSIDE_INDIA_NAME = "Other Countries"

COMPOSITION_LEGEND = "Composition taxable person, not eligible to collect tax on supplies."
UNREGISTERED_LEGEND = "The supplier is not registered under GST; no GST is charged."
LUT_LEGEND = (
    "Supply meant for export of services under Letter of Undertaking without payment of "
    "integrated tax (IGST). LUT ARN {reference} dated {date:%d %b %Y}."
)
EXPORT_WITH_IGST_LEGEND = "Supply meant for export of services on payment of integrated tax."


CHARGED = (Treatment.INTRA_STATE, Treatment.INTER_STATE)


class InvoicingError(Exception):
    pass


class OrderNotPaid(InvoicingError):
    pass


class BillingDetailsLocked(InvoicingError):
    """The invoice is issued: its buyer details can only be corrected by a credit note."""


class CreditNoteRefused(InvoicingError):
    pass


class CorrectionRefused(InvoicingError):
    """The invoice cannot be replaced by a credit note and a corrected invoice."""


# --- numbers -------------------------------------------------------------------------------


def take_number(*, series: str, financial_year: str) -> int:
    """The next number of a series in a financial year, under a lock held until commit.

    The counter row is created if missing (ON CONFLICT DO NOTHING, so two first documents of
    a year do not collide), then locked with SELECT ... FOR UPDATE and incremented. Concurrent
    callers queue on the row; each sees the number the previous one committed.
    """
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(series=series, financial_year=financial_year)], ignore_conflicts=True
    )
    counter = DocumentCounter.objects.select_for_update().get(
        series=series, financial_year=financial_year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


# --- invoices ------------------------------------------------------------------------------


def _line_description(order) -> str:
    product = order.product
    text = f"{product.name}: {product.course.title}"
    if order.cohort_id:
        cohort = order.cohort
        text += f" ({cohort.name} cohort, from {cohort.start_date:%d %b %Y})"
    return text


def _payment_reference(order) -> tuple[str, str, int | None, str]:
    if order.channel == Order.Channel.MANUAL:
        return order.manual_reference, "manual", None, ""
    payments = order.payments.all()
    paid_with = order.paid_with_payment_id
    if paid_with:  # the payment that confirmed the order, when payments recorded it
        payments = payments.filter(gateway_payment_id=paid_with)
    payment = (
        payments.filter(
            status__in=[
                Payment.Status.CAPTURED,
                Payment.Status.AUTHORIZED,
                Payment.Status.REFUNDED,
            ]
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if payment is None:
        return "", "", None, ""
    emi_bank = payment.emi_bank if payment.method == "emi" else ""
    return payment.gateway_payment_id, payment.method, payment.emi_tenure_months, emi_bank


def _buyer_gstin(order) -> str:
    if not order.company_gstin:
        return ""
    try:
        return normalize_gstin(order.company_gstin)
    except InvalidGSTIN:
        # Checkout validates the GSTIN; a bad one that slipped in (admin edit) must not stop a
        # payment from being confirmed, so the invoice is issued as B2C and the log says why.
        logger.warning("Order %s has an invalid GSTIN; invoiced without it", order.reference)
        return ""


def _supply(*, buyer: "BuyerDetails", currency: str, seller) -> dict:
    """Document kind, tax treatment, place of supply and legend for a sale to `buyer`."""
    abroad = buyer.country != INDIA
    buyer_gstin = buyer.gstin
    if abroad:
        place = (OUTSIDE_INDIA_CODE, OUTSIDE_INDIA_NAME)
    else:
        # A registered buyer's place of supply is its GSTIN's state; a consumer's the state
        # they gave; with none on record, the seller's location (IGST Act s.12(2)(b)).
        code = buyer_gstin[:2] if buyer_gstin else (buyer.state_code or seller.state_code)
        place = (code, INDIAN_STATE_NAMES.get(code, code))

    if seller.gst_status == GSTStatus.UNREGISTERED:
        return dict(kind=Invoice.Kind.INVOICE, treatment=Treatment.NO_TAX, place=place,
                    legend=UNREGISTERED_LEGEND)  # fmt: skip
    if seller.gst_status == GSTStatus.COMPOSITION:
        return dict(kind=Invoice.Kind.BILL_OF_SUPPLY, treatment=Treatment.NO_TAX, place=place,
                    legend=COMPOSITION_LEGEND)  # fmt: skip
    if abroad and currency != "INR":
        if seller.lut_reference and seller.lut_date:
            legend = LUT_LEGEND.format(reference=seller.lut_reference, date=seller.lut_date)
            return dict(kind=Invoice.Kind.EXPORT_INVOICE, treatment=Treatment.ZERO_RATED,
                        place=place, legend=legend)  # fmt: skip
        return dict(kind=Invoice.Kind.EXPORT_INVOICE, treatment=Treatment.INTER_STATE,
                    place=place, legend=EXPORT_WITH_IGST_LEGEND)  # fmt: skip
    treatment = Treatment.INTRA_STATE if place[0] == seller.state_code else Treatment.INTER_STATE
    return dict(kind=Invoice.Kind.TAX_INVOICE, treatment=treatment, place=place, legend="")


def _inr_values(split: TaxSplit, rate) -> dict:
    return {
        "total_inr_minor": to_inr_minor(split.total_minor, rate),
        "taxable_inr_minor": to_inr_minor(split.taxable_minor, rate),
        "cgst_inr_minor": to_inr_minor(split.cgst_minor, rate),
        "sgst_inr_minor": to_inr_minor(split.sgst_minor, rate),
        "igst_inr_minor": to_inr_minor(split.igst_minor, rate),
    }


def issue_invoice(*, order, now=None) -> Invoice:
    """Issue the GST document for a paid order, inside the caller's transaction.

    Called by the payment confirmation service after it has locked the Order row and set it
    paid. Idempotent: a second call for the same order returns the invoice already issued.
    Snapshots seller, buyer, line, tax split, place of supply and payment reference, and
    takes the next invoice number of the financial year from the locked counter (held until
    the caller commits, so call this last). No network I/O; the PDF is rendered after commit
    (or on first download).
    """
    with transaction.atomic():
        # Re-taking the lock is free for the caller who holds it and protects other callers.
        Order.objects.select_for_update().filter(pk=order.pk).values_list("pk").get()
        existing = Invoice.objects.filter(order_id=order.pk, superseded_at__isnull=True).first()
        if existing is not None:
            return existing
        if order.state != Order.State.PAID:
            raise OrderNotPaid(f"Order {order.reference} is {order.state}, not paid.")

        invoice = _create_invoice(
            order=order, buyer=_buyer_of(order), issued_at=now or timezone.now()
        )
        logger.info("Issued invoice %s for order %s", invoice.number, order.reference)
        _render_after_commit("invoice", invoice.pk)
        return invoice


@dataclass(frozen=True)
class BuyerDetails:
    """Who an invoice is made out to: the order's billing details, or corrected ones."""

    name: str
    email: str
    country: str
    state_code: str = ""
    company_name: str = ""
    company_address: str = ""
    gstin: str = ""  # normalised, or "" for a consumer
    address: str = ""  # printed: the company's address for B2B, else the buyer's own


def _buyer_of(order) -> BuyerDetails:
    country = order.billing_country or INDIA
    return BuyerDetails(
        name=order.billing_name,
        email=order.billing_email,
        country=country,
        state_code=order.billing_state if country == INDIA else "",
        company_name=order.company_name,
        company_address=order.company_address,
        gstin=_buyer_gstin(order),
        # The company's address for a B2B sale, else the buyer's billing address on file
        # (rule 46 asks for it on B2C invoices above 50,000 rupees).
        address=order.company_address or getattr(order.user, "billing_address", ""),
    )


def _create_invoice(
    *, order, buyer: BuyerDetails, issued_at, corrects: Invoice | None = None
) -> Invoice:
    """Snapshot and number one invoice for `order` made out to `buyer` (caller holds the
    Order lock; takes the invoice counter's). A corrected invoice restates the supply of the
    one it replaces: same amount, same exchange rate and source, same payment."""
    seller = seller_settings()
    issued_on = local_date(issued_at)
    financial_year = financial_year_of(issued_on)
    supply = _supply(buyer=buyer, currency=order.currency, seller=seller)
    total_minor = corrects.total_minor if corrects else order.amount_minor
    split = split_inclusive_price(
        total_minor=total_minor, gst_rate=seller.gst_rate, treatment=supply["treatment"]
    )
    if corrects is not None:
        rate, rate_source = corrects.exchange_rate, corrects.exchange_rate_source
    else:
        rate, rate_source = exchange_rate_on(order.currency, issued_on)
    payment_id, method, emi_months, emi_bank = _payment_reference(order)
    country = buyer.country

    sequence = take_number(series=DocumentCounter.Series.INVOICE, financial_year=financial_year)
    return Invoice.objects.create(
        number=format_number(
            prefix=seller.invoice_prefix, financial_year=financial_year, sequence=sequence
        ),
        financial_year=financial_year,
        sequence=sequence,
        issued_at=issued_at,
        issued_on=issued_on,
        kind=supply["kind"],
        order=order,
        corrects=corrects,
        user_id=order.user_id,
        seller_legal_name=seller.legal_name,
        seller_trade_name=seller.trade_name,
        seller_address=seller.address,
        seller_state_code=seller.state_code,
        seller_state_name=INDIAN_STATE_NAMES.get(seller.state_code, seller.state_code),
        seller_gst_status=seller.gst_status,
        seller_gstin=seller.gstin if seller.gst_status != GSTStatus.UNREGISTERED else "",
        seller_pan=seller.pan,
        seller_email=seller.email,
        lut_reference=seller.lut_reference if supply["kind"] == "export_invoice" else "",
        lut_date=seller.lut_date if supply["kind"] == "export_invoice" else None,
        buyer_name=buyer.name,
        buyer_email=buyer.email,
        buyer_company_name=buyer.company_name,
        buyer_address=buyer.address,
        buyer_gstin=buyer.gstin,
        buyer_state_code=buyer.state_code,
        buyer_country_code=country,
        buyer_country_name=COUNTRY_NAMES.get(country, country),
        place_of_supply_code=supply["place"][0],
        place_of_supply_name=supply["place"][1],
        reverse_charge=False,
        line_description=_line_description(order),
        sac_code=seller.sac_code,
        quantity=1,
        # The rate charged: 0 for a zero-rated export and for sellers who charge no GST.
        gst_rate=seller.gst_rate if supply["treatment"] in CHARGED else 0,
        cgst_rate=split.cgst_rate,
        sgst_rate=split.sgst_rate,
        igst_rate=split.igst_rate,
        legend=supply["legend"],
        currency=order.currency,
        total_minor=split.total_minor,
        taxable_minor=split.taxable_minor,
        cgst_minor=split.cgst_minor,
        sgst_minor=split.sgst_minor,
        igst_minor=split.igst_minor,
        round_off_minor=split.round_off_minor,
        amount_in_words=amount_in_words(split.total_minor, order.currency),
        exchange_rate=rate,
        exchange_rate_source=rate_source,
        **_inr_values(split, rate),
        order_reference=order.reference,
        payment_channel=order.channel,
        payment_reference=payment_id,
        payment_method=method,
        emi_tenure_months=emi_months,
        emi_bank=emi_bank,
        paid_at=(corrects.paid_at if corrects else order.paid_at) or issued_at,
    )


def _render_after_commit(kind: str, pk: int) -> None:
    if not getattr(settings, "INVOICE_PDF_ON_COMMIT", True):
        return  # rendered on first download or attachment instead

    def enqueue():
        from .tasks import render_document_pdf

        try:
            render_document_pdf.enqueue(kind, pk)
        except Exception:  # the PDF is rendered lazily on first download anyway
            logger.exception("Could not queue the PDF of %s %s", kind, pk)

    transaction.on_commit(enqueue)


# --- credit notes --------------------------------------------------------------------------


def issue_credit_note(
    *, invoice: Invoice, amount_minor: int, refund_reference: str, reason: str, now=None
) -> CreditNote:
    """Issue a credit note reversing `amount_minor` (tax inclusive) of an invoice.

    Within the section 34(2) time limit (30 November after the end of the invoice's financial
    year, IST dates, judged on the clock read once after the invoice lock) it is a GST credit
    note that reduces the tax. Past it the refund is still recorded, as a *financial* credit
    note in its own series with no tax on it (CreditNote.Kind.FINANCIAL, not in GSTR-1).

    Idempotent by `refund_reference` (unique): a repeated webhook or retry gets the credit note
    already issued. Locks the invoice row so that concurrent refunds never credit more than
    the invoice; the tax is split the same way as the invoice (the last credit takes exactly
    what is left). Takes its number from the credit-note series of the current financial year.
    """
    refund_reference = str(refund_reference).strip()
    if not refund_reference:
        raise CreditNoteRefused("A credit note needs the refund's reference.")
    with transaction.atomic():
        existing = CreditNote.objects.filter(refund_reference=refund_reference).first()
        if existing is None:
            invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
            existing = CreditNote.objects.filter(refund_reference=refund_reference).first()
        if existing is not None:
            if existing.invoice_id != invoice.pk:
                raise CreditNoteRefused(
                    f"Refund {refund_reference} already has a credit note on another invoice."
                )
            return existing

        notes = list(invoice.credit_notes.all())
        remaining = invoice.total_minor - sum(note.total_minor for note in notes)
        if amount_minor <= 0 or amount_minor > remaining:
            raise CreditNoteRefused(
                f"A credit of {amount_minor} is not within what is left of the invoice "
                f"({remaining})."
            )
        seller = seller_settings()
        # The one clock reading of this rule, taken with the invoice locked.
        issued_at = now or timezone.now()
        issued_on = local_date(issued_at)
        if issued_on <= credit_note_deadline(invoice.issued_on):
            kind, series, prefix = (
                CreditNote.Kind.GST,
                DocumentCounter.Series.CREDIT_NOTE,
                seller.credit_note_prefix,
            )
            previous = [_split_of(note) for note in notes if note.reduces_tax]
            try:
                split = split_credit(
                    amount_minor=amount_minor, invoice=invoice, already_credited=previous
                )
            except ValueError as exc:
                raise CreditNoteRefused(str(exc)) from exc
        else:
            # Past section 34(2): the money still goes back, but the tax of the supply stays
            # as invoiced, so the note carries no tax and is no GST document.
            kind, series, prefix = (
                CreditNote.Kind.FINANCIAL,
                DocumentCounter.Series.FINANCIAL_CREDIT_NOTE,
                seller.financial_credit_note_prefix,
            )
            split = TaxSplit(total_minor=amount_minor, taxable_minor=amount_minor)
        financial_year = financial_year_of(issued_on)
        sequence = take_number(series=series, financial_year=financial_year)
        note = CreditNote.objects.create(
            number=format_number(prefix=prefix, financial_year=financial_year, sequence=sequence),
            kind=kind,
            financial_year=financial_year,
            sequence=sequence,
            issued_at=issued_at,
            issued_on=issued_on,
            invoice=invoice,
            refund_reference=refund_reference,
            reason=(reason or "Refund")[:300],
            currency=invoice.currency,
            total_minor=split.total_minor,
            taxable_minor=split.taxable_minor,
            cgst_minor=split.cgst_minor,
            sgst_minor=split.sgst_minor,
            igst_minor=split.igst_minor,
            round_off_minor=split.round_off_minor,
            amount_in_words=amount_in_words(split.total_minor, invoice.currency),
            # The invoice's rate: a credit note reverses the value as it was invoiced.
            exchange_rate=invoice.exchange_rate,
            exchange_rate_source=invoice.exchange_rate_source,
            **_inr_values(split, invoice.exchange_rate),
        )
        logger.info("Issued %s %s against %s", note.get_kind_display(), note.number, invoice.number)
        _render_after_commit("credit_note", note.pk)
        return note


def _split_of(document) -> TaxSplit:
    return TaxSplit(
        total_minor=document.total_minor,
        taxable_minor=document.taxable_minor,
        cgst_minor=document.cgst_minor,
        sgst_minor=document.sgst_minor,
        igst_minor=document.igst_minor,
        round_off_minor=document.round_off_minor,
    )


# --- billing details -----------------------------------------------------------------------


def update_billing_details(
    *,
    order_id: int,
    user,
    name: str,
    country: str,
    state_code: str = "",
    company_name: str = "",
    company_address: str = "",
    gstin: str = "",
) -> Order:
    """Correct the buyer details an order's invoice will print, until the invoice is issued.

    Locks the order (issue_invoice runs under the same lock, so a correction cannot race the
    invoice); refuses with BillingDetailsLocked once an invoice exists. Input is expected to
    have passed BillingDetailsForm; the GSTIN is re-validated here.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id, user=user)
        if Invoice.objects.filter(order_id=order.pk).exists():
            raise BillingDetailsLocked(
                "The invoice is already issued, so its details can no longer be changed here. "
                "Reply to the invoice email with the right details: we cancel it with a credit "
                "note and email you a corrected invoice."
            )
        order.billing_name = name.strip()
        order.billing_country = country
        order.billing_state = state_code if country == INDIA else ""
        order.company_name = company_name.strip()
        order.company_address = company_address.strip()
        order.company_gstin = normalize_gstin(gstin) if gstin else ""
        order.save(
            update_fields=[
                "billing_name",
                "billing_country",
                "billing_state",
                "company_name",
                "company_address",
                "company_gstin",
                "updated_at",
            ]
        )
        logger.info("Billing details of order %s corrected by its buyer", order.reference)
        return order


# --- corrected invoices --------------------------------------------------------------------


def correct_invoice(
    *,
    invoice_id: int,
    name: str,
    country: str,
    state_code: str = "",
    company_name: str = "",
    company_address: str = "",
    gstin: str = "",
    admin_user=None,
    now=None,
) -> tuple[Invoice, CreditNote]:
    """Replace an issued invoice whose buyer details were wrong (a company GSTIN added later,
    a misspelt name, the wrong state) in one step: a full GST credit note cancels the old
    invoice and a new invoice, made out to the corrected buyer, restates the same supply
    (same order, amount, exchange rate and payment). The two are linked both ways
    (`new.corrects`, `old.corrected_by`, and the credit note's reason names the new number)
    and both are dated now, so both go in the next GSTR-1. The seat, the order and its
    payment are not touched: no refund, no enrollment change.

    Locks the Order, then the invoice, then takes the invoice and credit-note numbers; reads
    the clock once after the locks. Refused (CorrectionRefused) for an invoice already
    replaced, one with credit notes (a refund already reversed part of it), nothing changed,
    or past the section 34(2) time limit (the credit note could no longer cancel the tax).
    After commit the buyer is emailed both PDFs by the task worker.
    """
    with transaction.atomic():
        order_id = Invoice.objects.values_list("order_id", flat=True).get(pk=invoice_id)
        order = Order.objects.select_for_update().get(pk=order_id)
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        if invoice.superseded_at is not None:
            replacement = Invoice.objects.filter(corrects=invoice).first()
            raise CorrectionRefused(
                f"Invoice {invoice.number} was already replaced by "
                f"{replacement.number if replacement else 'a corrected invoice'}."
            )
        if invoice.credit_notes.exists():
            raise CorrectionRefused(
                f"Invoice {invoice.number} already has credit notes (a refund); correct it by "
                "hand so that the refund's credit notes still match an invoice."
            )
        try:
            normalised_gstin = normalize_gstin(gstin) if gstin else ""
        except InvalidGSTIN as exc:
            raise CorrectionRefused(str(exc)) from exc
        country = country or INDIA
        buyer = BuyerDetails(
            name=name.strip(),
            email=invoice.buyer_email,
            country=country,
            state_code=state_code if country == INDIA else "",
            company_name=company_name.strip(),
            company_address=company_address.strip(),
            gstin=normalised_gstin,
            address=company_address.strip() or getattr(order.user, "billing_address", ""),
        )
        unchanged = (
            buyer.name == invoice.buyer_name
            and buyer.country == invoice.buyer_country_code
            and buyer.state_code == invoice.buyer_state_code
            and buyer.company_name == invoice.buyer_company_name
            and buyer.gstin == invoice.buyer_gstin
            and buyer.address == invoice.buyer_address
        )
        if unchanged:
            raise CorrectionRefused("These are the invoice's details already: nothing to correct.")
        at = now or timezone.now()
        deadline = credit_note_deadline(invoice.issued_on)
        if local_date(at) > deadline:
            raise CorrectionRefused(
                f"Past the section 34(2) time limit ({deadline:%d %b %Y}) a credit note can no "
                f"longer cancel the tax of invoice {invoice.number}, so it cannot be replaced."
            )

        invoice.superseded_at = at
        invoice.save(update_fields=["superseded_at"])
        new = _create_invoice(order=order, buyer=buyer, issued_at=at, corrects=invoice)
        note = issue_credit_note(
            invoice=invoice,
            amount_minor=invoice.total_minor,
            refund_reference=f"correction-{invoice.number}",
            reason=f"Invoice corrected (buyer details): replaced by invoice {new.number}",
            now=at,
        )
        logger.info(
            "Invoice %s of order %s replaced by %s with credit note %s (by %s)",
            invoice.number, order.reference, new.number, note.number,
            getattr(admin_user, "email", "system"),
        )  # fmt: skip
        _render_after_commit("invoice", new.pk)

        def email_buyer():
            try:
                send_corrected_invoice_email_task.enqueue(invoice_id=new.pk)
            except Exception:  # the documents are on the buyer's dashboard anyway
                logger.exception("Could not queue the corrected-invoice email of %s", new.number)

        transaction.on_commit(email_buyer)
        return new, note

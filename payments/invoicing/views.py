"""Downloads for buyers and finance, billing-detail corrections, finance exports and revenue."""

import datetime as dt
import functools
import io
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from payments.models import Order

from .exports import DocumentFilter, gst_csv, monthly_revenue, write_pdf_zip
from .forms import BillingDetailsForm, FinanceFilterForm, Gstr1PeriodForm
from .gstr1.build import Gstr1NotApplicable, build_return
from .gstr1.reconcile import reconcile
from .gstr1.schema import schema_errors
from .models import Invoice
from .pdf import ensure_pdf
from .selectors import (
    documents_for_user,
    downloadable_credit_note,
    downloadable_invoice,
    invalid_stored_gstins,
    invoice_for_order,
)
from .services import BillingDetailsLocked, update_billing_details
from .tax import financial_year_of


def _pdf_response(document) -> FileResponse:
    response = FileResponse(
        io.BytesIO(ensure_pdf(document)),
        as_attachment=True,
        filename=document.pdf_filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def invoice_pdf(request, pk):
    """The stored PDF, for its buyer or finance; 404 for anyone else (no hint it exists)."""
    invoice = downloadable_invoice(request.user, pk)
    if invoice is None:
        raise Http404("No such invoice")
    return _pdf_response(invoice)


@require_GET
@login_required
def credit_note_pdf(request, pk):
    note = downloadable_credit_note(request.user, pk)
    if note is None:
        raise Http404("No such credit note")
    return _pdf_response(note)


@require_GET
@login_required
def my_documents(request):
    """The learner's documents, and orders not yet invoiced whose billing details can change."""
    open_orders = Order.objects.filter(
        user=request.user, state__in=Order.OPEN_STATES, invoices__isnull=True
    ).select_related("product")
    return render(
        request,
        "invoicing/my_documents.html",
        {"documents": documents_for_user(request.user), "open_orders": open_orders},
    )


@login_required
def billing_details(request, reference):
    """The buyer corrects the name, state, company and GSTIN until the invoice is issued."""
    order = get_object_or_404(Order, reference=reference, user=request.user)
    invoice = invoice_for_order(order)
    initial = {
        "name": order.billing_name,
        "country": order.billing_country,
        "state_code": order.billing_state,
        "company_name": order.company_name,
        "company_address": order.company_address,
        "gstin": order.company_gstin,
    }
    form = BillingDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and invoice is None and form.is_valid():
        try:
            update_billing_details(order_id=order.pk, user=request.user, **form.cleaned_data)
        except BillingDetailsLocked as exc:
            messages.error(request, str(exc))
            invoice = invoice_for_order(order)
        else:
            messages.success(request, "Billing details saved; the invoice will show them.")
            return redirect("invoicing:billing_details", reference=order.reference)
    return render(
        request,
        "invoicing/billing_details.html",
        {"order": order, "form": form, "invoice": invoice},
        status=400 if request.method == "POST" and form.errors else 200,
    )


# --- finance -------------------------------------------------------------------------------


def finance_required(permission):
    """Logged in and holding `permission` (the Finance group, superusers); else 403."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _filter_from(request) -> tuple[FinanceFilterForm, DocumentFilter | None]:
    years = sorted(
        set(Invoice.objects.values_list("financial_year", flat=True).distinct())
        | {financial_year_of(timezone.localdate())},
        reverse=True,
    )
    form = FinanceFilterForm(request.GET or None, years=years)
    if not request.GET:
        return form, DocumentFilter()
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, DocumentFilter(
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        financial_year=data.get("financial_year") or "",
        currency=data.get("currency") or "",
        state=data.get("state") or "",
    )


@require_GET
@finance_required("invoicing.export_documents")
def finance_documents(request):
    form, filters = _filter_from(request)
    context = {
        "form": form,
        "query": request.GET.urlencode(),
        "gstin_problems": invalid_stored_gstins(),
    }
    if filters is not None:
        context["invoices"] = filters.invoices()[:500]
        context["credit_notes"] = filters.credit_notes()[:500]
    return render(
        request, "invoicing/finance_documents.html", context, status=200 if filters else 400
    )


@require_GET
@finance_required("invoicing.export_documents")
def finance_csv(request):
    form, filters = _filter_from(request)
    if filters is None:
        return HttpResponse("Invalid filter: " + form.errors.as_text(), status=400)
    response = HttpResponse(gst_csv(filters), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gst-documents-{filters.label()}.csv"'
    return response


@require_GET
@finance_required("invoicing.export_documents")
def finance_zip(request):
    form, filters = _filter_from(request)
    if filters is None:
        return HttpResponse("Invalid filter: " + form.errors.as_text(), status=400)
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    write_pdf_zip(filters, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"gst-documents-{filters.label()}.zip",
        content_type="application/zip",
    )


@require_GET
@finance_required("invoicing.view_revenue")
def finance_revenue(request):
    form, filters = _filter_from(request)
    revenue = monthly_revenue(filters) if filters is not None else {}
    charts = []
    for currency, months in sorted(revenue.items()):
        peak = max([m.gross_minor for m in months] + [1])
        bars = []
        for index, month in enumerate(months):
            x = 10 + index * 70
            bar = {"month": month, "x": x, "x2": x + 18, "x3": x + 36, "label_x": x + 27}
            for name, value in (
                ("gross", month.gross_minor),
                ("refunds", month.refunds_minor),
                ("net", max(month.net_minor, 0)),
            ):
                height = round(160 * value / peak)
                bar[f"{name}_h"], bar[f"{name}_y"] = height, 170 - height
            bars.append(bar)
        charts.append(
            {
                "currency": currency,
                "months": months,
                "bars": bars,
                "width": 20 + 70 * len(months),
                "gross": sum(m.gross_minor for m in months),
                "refunds": sum(m.refunds_minor for m in months),
                "net": sum(m.net_minor for m in months),
            }
        )
    return render(
        request,
        "invoicing/finance_revenue.html",
        {"form": form, "charts": charts, "query": request.GET.urlencode()},
    )


# --- GSTR-1 --------------------------------------------------------------------------------


def _gstr1_from(request):
    """(form, return or None, error). Without a period: the month before this one."""
    data = request.GET.copy()
    if not data.get("period"):
        first_of_month = timezone.localdate().replace(day=1)
        data["period"] = f"{first_of_month - dt.timedelta(days=1):%Y-%m}"
    form = Gstr1PeriodForm(data)
    if not form.is_valid():
        return form, None, form.errors["period"][0]
    try:
        return form, build_return(form.cleaned_data["period"]), ""
    except Gstr1NotApplicable as exc:
        return form, None, str(exc)


@require_GET
@finance_required("invoicing.export_documents")
def finance_gstr1(request):
    """The period's GSTR-1: per-section reconciliation, schema check, pack and JSON links."""
    form, ret, error = _gstr1_from(request)
    context = {"form": form, "error": error, "query": ""}
    if ret is not None:
        context |= {
            "ret": ret,
            "checks": reconcile(ret),
            "schema_errors": schema_errors(ret.json_text()),
            "query": f"period={ret.period.code}",
        }
    return render(request, "invoicing/finance_gstr1.html", context, status=400 if error else 200)


@require_GET
@finance_required("invoicing.export_documents")
def finance_gstr1_zip(request):
    _form, ret, error = _gstr1_from(request)
    if ret is None:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    buffer = io.BytesIO()
    ret.write_zip(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=ret.zip_filename, content_type="application/zip"
    )


@require_GET
@finance_required("invoicing.export_documents")
def finance_gstr1_json(request):
    _form, ret, error = _gstr1_from(request)
    if ret is None:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(ret.json_text(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{ret.json_filename}"'
    return response

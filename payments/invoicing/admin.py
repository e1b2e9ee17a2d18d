"""Admin: seller settings and exchange rates are edited here; invoices, credit notes and
counters are read only for everyone (corrections are made by credit note)."""

import datetime as dt
import io

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .exports import DocumentFilter, write_gst_csv, write_pdf_zip
from .forms import BillingDetailsForm
from .models import CreditNote, DocumentCounter, ExchangeRate, Invoice, SellerSettings
from .services import InvoicingError, correct_invoice
from .templatetags.invoicing import format_minor


@admin.register(SellerSettings)
class SellerSettingsAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "gst_status", "gstin", "state_code", "gst_rate", "updated_at"]
    fieldsets = [
        ("Seller", {"fields": ["legal_name", "trade_name", "address", "state_code", "email"]}),
        (
            "GST",
            {
                "fields": [
                    "gst_status",
                    "gstin",
                    "pan",
                    "sac_code",
                    "service_description",
                    "gst_rate",
                    "lut_reference",
                    "lut_date",
                ]
            },
        ),  # fmt: skip
        (
            "Numbering",
            {"fields": ["invoice_prefix", "credit_note_prefix", "financial_credit_note_prefix"]},
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SellerSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        super().save_model(request, obj, form, change)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "effective_on", "inr_per_unit", "source"]
    list_filter = ["currency"]
    date_hierarchy = "effective_on"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes issued documents here, superusers included."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DocumentCounter)
class DocumentCounterAdmin(ReadOnlyAdmin):
    list_display = ["series", "financial_year", "last_number"]
    list_filter = ["series", "financial_year"]


class FinancialYearFilter(admin.SimpleListFilter):
    title = "financial year"
    parameter_name = "financial_year"

    def lookups(self, request, model_admin):
        years = model_admin.model.objects.values_list("financial_year", flat=True).distinct()
        return [(year, year) for year in sorted(set(years), reverse=True)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(financial_year=self.value())
        return queryset


class PlaceOfSupplyFilter(admin.SimpleListFilter):
    title = "place of supply (state)"
    parameter_name = "place_of_supply"
    field = "place_of_supply"

    def lookups(self, request, model_admin):
        rows = Invoice.objects.values_list("place_of_supply_code", "place_of_supply_name")
        return sorted(set(rows))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if queryset.model is CreditNote:
            return queryset.filter(invoice__place_of_supply_code=self.value())
        return queryset.filter(place_of_supply_code=self.value())


class IssuedBetweenFilter(admin.ListFilter):
    """A from/to date range on the document date (the admin's own filters have none)."""

    title = "issued between"
    template = "admin/invoicing/date_range_filter.html"
    parameters = ("issued_from", "issued_to")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.dates = {}
        for name in self.parameters:
            if name not in params:
                continue
            raw = params.pop(name)[-1]
            if raw:
                try:
                    self.dates[name] = dt.date.fromisoformat(raw)
                except ValueError as exc:
                    raise IncorrectLookupParameters(f"{raw!r} is not a date") from exc
            self.used_parameters[name] = raw

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def queryset(self, request, queryset):
        if "issued_from" in self.dates:
            queryset = queryset.filter(issued_on__gte=self.dates["issued_from"])
        if "issued_to" in self.dates:
            queryset = queryset.filter(issued_on__lte=self.dates["issued_to"])
        return queryset

    def choices(self, changelist):
        others = [
            (name, value)
            for name, values in changelist.params.items()
            if name not in self.parameters
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "issued_from": self.used_parameters.get("issued_from", ""),
            "issued_to": self.used_parameters.get("issued_to", ""),
            "others": others,
            "clear_url": changelist.get_query_string(remove=list(self.parameters)),
            "active": bool(self.dates),
        }


def _export_filter(queryset) -> DocumentFilter:
    """Restrict an export to the selected rows."""
    ids = list(queryset.values_list("pk", flat=True))
    model = queryset.model

    class Selected(DocumentFilter):
        def invoices(self):
            qs = super().invoices()
            return qs.filter(pk__in=ids) if model is Invoice else qs.none()

        def credit_notes(self):
            qs = super().credit_notes()
            return qs.filter(pk__in=ids) if model is CreditNote else qs.none()

    return Selected()


@admin.action(description="Export the selected documents as a GST CSV",
              permissions=["export"])  # fmt: skip
def export_csv(modeladmin, request, queryset):
    out = io.StringIO()
    write_gst_csv(_export_filter(queryset), out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="gst-documents-selected.csv"'
    return response


@admin.action(description="Download the selected PDFs as a ZIP", permissions=["export"])
def export_zip(modeladmin, request, queryset):
    buffer = io.BytesIO()
    write_pdf_zip(_export_filter(queryset), buffer)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename="gst-documents-selected.zip",
        content_type="application/zip",
    )  # fmt: skip


class DocumentAdmin(ReadOnlyAdmin):
    date_hierarchy = "issued_on"
    actions = [export_csv, export_zip]
    search_fields = ["number"]

    def has_export_permission(self, request):
        return request.user.has_perm("invoicing.export_documents")

    @admin.display(description="total")
    def total(self, obj):
        return f"{obj.currency} {format_minor(obj.total_minor, obj.currency)}"

    @admin.display(description="PDF")
    def pdf_link(self, obj):
        name = "invoicing:invoice_pdf" if isinstance(obj, Invoice) else "invoicing:credit_note_pdf"
        return format_html('<a href="{}">Download</a>', reverse(name, args=[obj.pk]))


@admin.action(description="Correct the buyer details (credit note + corrected invoice)",
              permissions=["correct"])  # fmt: skip
def correct_buyer_details(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(
            request, "Select exactly one invoice to correct.", level=messages.ERROR
        )
        return None
    return HttpResponseRedirect(
        reverse("admin:invoicing_invoice_correct", args=[queryset.get().pk])
    )


@admin.register(Invoice)
class InvoiceAdmin(DocumentAdmin):
    actions = [export_csv, export_zip, correct_buyer_details]
    list_display = ["number", "issued_on", "kind", "buyer_name", "buyer_gstin",
                    "place_of_supply_name", "total", "replaced", "pdf_link"]  # fmt: skip
    readonly_fields = ["corrects", "superseded_at"]

    def has_correct_permission(self, request, obj=None):
        return request.user.has_perm("invoicing.correct_invoice")

    @admin.display(description="corrected")
    def replaced(self, obj):
        if obj.corrects_id:
            return f"replaces {obj.corrects}"
        if obj.superseded_at:
            return "replaced"
        return ""

    def get_urls(self):
        return [
            path(
                "<int:pk>/correct/",
                self.admin_site.admin_view(self.correct_view),
                name="invoicing_invoice_correct",
            ),
            *super().get_urls(),
        ]

    def correct_view(self, request, pk):
        """Corrected buyer details in, one credit note and one corrected invoice out."""
        if not self.has_correct_permission(request):
            raise PermissionDenied
        invoice = get_object_or_404(Invoice, pk=pk)
        initial = {
            "name": invoice.buyer_name,
            "country": invoice.buyer_country_code,
            "state_code": invoice.buyer_state_code,
            "company_name": invoice.buyer_company_name,
            "company_address": invoice.buyer_address if invoice.buyer_company_name else "",
            "gstin": invoice.buyer_gstin,
        }
        form = BillingDetailsForm(request.POST or None, initial=initial)
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    new, note = correct_invoice(
                        invoice_id=invoice.pk, admin_user=request.user, **form.cleaned_data
                    )
                except InvoicingError as exc:
                    form.add_error(None, str(exc))
                else:
                    self.message_user(
                        request,
                        f"Credit note {note.number} cancels {invoice.number}; corrected invoice "
                        f"{new.number} issued. The buyer is emailed both PDFs.",
                        level=messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:invoicing_invoice_change", args=[new.pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Correct invoice {invoice.number}",
            "invoice": invoice,
            "form": form,
        }
        return TemplateResponse(
            request, "admin/invoicing/invoice/correct.html", context, status=status
        )

    list_filter = [
        IssuedBetweenFilter,
        FinancialYearFilter,
        "currency",
        PlaceOfSupplyFilter,
        "kind",
    ]
    search_fields = ["number", "buyer_name", "buyer_email", "buyer_gstin", "order_reference"]


@admin.register(CreditNote)
class CreditNoteAdmin(DocumentAdmin):
    list_display = ["number", "issued_on", "invoice", "refund_reference", "total", "pdf_link"]
    list_filter = [IssuedBetweenFilter, FinancialYearFilter, "currency", PlaceOfSupplyFilter]
    search_fields = ["number", "invoice__number", "refund_reference"]
    list_select_related = ["invoice"]

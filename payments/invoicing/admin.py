"""Admin: seller settings and exchange rates are edited here; invoices, credit notes and
counters are read only for everyone (corrections are made by credit note)."""

import io

from django.contrib import admin
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from .exports import DocumentFilter, write_gst_csv, write_pdf_zip
from .models import CreditNote, DocumentCounter, ExchangeRate, Invoice, SellerSettings
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
        ("Numbering", {"fields": ["invoice_prefix", "credit_note_prefix"]}),
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


@admin.register(Invoice)
class InvoiceAdmin(DocumentAdmin):
    list_display = ["number", "issued_on", "kind", "buyer_name", "buyer_gstin",
                    "place_of_supply_name", "total", "pdf_link"]  # fmt: skip
    list_filter = [FinancialYearFilter, "currency", PlaceOfSupplyFilter, "kind"]
    search_fields = ["number", "buyer_name", "buyer_email", "buyer_gstin", "order_reference"]


@admin.register(CreditNote)
class CreditNoteAdmin(DocumentAdmin):
    list_display = ["number", "issued_on", "invoice", "refund_reference", "total", "pdf_link"]
    list_filter = [FinancialYearFilter, "currency", PlaceOfSupplyFilter]
    search_fields = ["number", "invoice__number", "refund_reference"]
    list_select_related = ["invoice"]

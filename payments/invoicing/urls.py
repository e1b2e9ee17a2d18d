from django.urls import path

import masterclass.converters  # noqa: F401  (registers the token converters)

from . import views

app_name = "invoicing"
urlpatterns = [
    path("account/documents/", views.my_documents, name="my_documents"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("credit-notes/<int:pk>/pdf/", views.credit_note_pdf, name="credit_note_pdf"),
    path("orders/<order_ref:reference>/billing/", views.billing_details, name="billing_details"),
    path("finance/documents/", views.finance_documents, name="finance_documents"),
    path("finance/documents.csv", views.finance_csv, name="finance_csv"),
    path("finance/documents.zip", views.finance_zip, name="finance_zip"),
    path("finance/revenue/", views.finance_revenue, name="finance_revenue"),
    path("finance/gstr1/", views.finance_gstr1, name="finance_gstr1"),
    path("finance/gstr1.zip", views.finance_gstr1_zip, name="finance_gstr1_zip"),
    path("finance/gstr1.json", views.finance_gstr1_json, name="finance_gstr1_json"),
]

"""Write the GST CSV and/or the ZIP of PDFs for a period, for finance or an accountant.

manage.py export_gst_documents --financial-year 2025-26 --csv fy.csv --zip fy.zip
manage.py export_gst_documents --from 2025-11-01 --to 2025-11-30 --csv nov.csv
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from payments.invoicing.exports import DocumentFilter, write_gst_csv, write_pdf_zip


class Command(BaseCommand):
    help = "Export the invoices and credit notes of a period as a GST CSV and/or a ZIP of PDFs."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=dt.date.fromisoformat)
        parser.add_argument("--financial-year", default="", help='e.g. "2025-26"')
        parser.add_argument("--currency", default="", choices=["", "INR", "USD"])
        parser.add_argument("--state", default="", help="place of supply code, 96 = abroad")
        parser.add_argument("--csv", help="path of the CSV to write")
        parser.add_argument("--zip", help="path of the ZIP to write")

    def handle(self, *args, **options):
        if not options["csv"] and not options["zip"]:
            raise CommandError("Give --csv PATH and/or --zip PATH.")
        filters = DocumentFilter(
            date_from=options["date_from"],
            date_to=options["date_to"],
            financial_year=options["financial_year"],
            currency=options["currency"],
            state=options["state"],
        )
        if options["csv"]:
            with open(options["csv"], "w", newline="", encoding="utf-8") as out:
                rows = write_gst_csv(filters, out)
            self.stdout.write(f"{rows} documents written to {options['csv']}")
        if options["zip"]:
            with open(options["zip"], "wb") as out:
                count = write_pdf_zip(filters, out)
            self.stdout.write(f"{count} PDFs written to {options['zip']}")

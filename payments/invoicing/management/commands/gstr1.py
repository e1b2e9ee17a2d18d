"""Write the GSTR-1 pack of a filing period: the offline tool's CSVs and the portal's JSON.

manage.py gstr1 --period 2026-11 --out DIR      (a month)
manage.py gstr1 --period 2026-Q3 --out DIR      (QRMP: October-December 2026)
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from payments.invoicing.gstr1.build import Gstr1NotApplicable, build_return, rupees
from payments.invoicing.gstr1.period import InvalidPeriod, parse_period
from payments.invoicing.gstr1.reconcile import reconcile
from payments.invoicing.gstr1.schema import schema_errors


class Command(BaseCommand):
    help = "Write the GSTR-1 CSVs (one per section), the JSON and the ZIP of a filing period."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2026-11 (month) or 2026-Q3")
        parser.add_argument("--out", required=True, help="folder to write into (created)")

    def handle(self, *args, **options):
        try:
            ret = build_return(parse_period(options["period"]))
        except (InvalidPeriod, Gstr1NotApplicable) as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        for name, text in ret.csv_files().items():
            (out / name).write_text(text, encoding="utf-8", newline="")
        json_text = ret.json_text()
        (out / ret.json_filename).write_text(json_text, encoding="utf-8")
        with open(out / ret.zip_filename, "wb") as handle:
            ret.write_zip(handle)
        self.stdout.write(f"GSTR-1 {ret.period.label()} for {ret.gstin} written to {out}")
        problems = schema_errors(json_text)
        for check in reconcile(ret):
            status = "ok" if check.ok else "MISMATCH " + "; ".join(check.mismatches)
            self.stdout.write(
                f"  {check.title}: {check.pack.documents} documents, taxable "
                f"{rupees(check.pack.taxable)} INR: {status}"
            )
            problems += [f"{check.title} {m}" for m in check.mismatches]
        if problems:
            raise CommandError("The pack does not check out:\n" + "\n".join(problems))

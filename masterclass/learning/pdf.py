"""The certificate as a PDF, rendered with WeasyPrint from an HTML template.

Rendered on request from the certificate's frozen fields (nothing to store or regenerate);
the verification URL is printed on it so anyone holding the paper can check it.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from .models import Certificate


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "learning:verify_certificate", args=[certificate.code]
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    html = render_to_string(
        "learning/certificate_pdf.html",
        {"certificate": certificate, "verification_url": verification_url(certificate)},
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def certificate_filename(certificate: Certificate) -> str:
    cohort = slugify(certificate.cohort_name)
    return f"certificate-{cohort}-{certificate.code[:8]}.pdf"

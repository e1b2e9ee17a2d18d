"""Reads of the catalogue that pages share."""

from .models import ContentRevision

CONTENT_REVISION_ID = 1


def content_revision() -> int:
    """The catalogue's edit counter; cached page fragments are keyed on it."""
    number = (
        ContentRevision.objects.filter(pk=CONTENT_REVISION_ID)
        .values_list("number", flat=True)
        .first()
    )
    return number or 0

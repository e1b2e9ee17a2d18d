"""Cache invalidation only (no business rules): any catalogue edit bumps the content revision
that the public pages' cached fragments are keyed on."""

from django.db.models.signals import post_delete, post_save

from . import models
from .services import bump_content_revision

CATALOGUE_MODELS = (
    models.Instructor,
    models.Course,
    models.Product,
    models.ProductFeature,
    models.OutlineWeek,
    models.OutlineTopic,
    models.Testimonial,
    models.FAQ,
)


def _catalogue_changed(sender, **kwargs):
    if kwargs.get("raw"):  # loaddata
        return
    bump_content_revision()


def connect():
    for model in CATALOGUE_MODELS:
        uid = f"courses.content-revision.{model.__name__}"
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=uid + ".delete")

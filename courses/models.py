"""The catalogue: what is taught and what is sold. Everything here is edited in the admin."""

import secrets

from django.db import models
from django.db.models import Q


class Currency(models.TextChoices):
    INR = "INR", "Indian rupee (₹)"
    USD = "USD", "US dollar ($)"


CURRENCY_SYMBOLS = {Currency.INR: "₹", Currency.USD: "$"}


class Instructor(models.Model):
    name = models.CharField(max_length=120)
    headline = models.CharField(max_length=200, blank=True)
    bio = models.TextField(help_text="Paragraphs separated by a blank line.")
    photo_url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    newsletter_url = models.URLField(blank=True)
    newsletter_blurb = models.TextField(
        blank=True, help_text="What the newsletter is about; shown next to the sign-up form."
    )

    def __str__(self):
        return self.name


class Course(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    tagline = models.CharField(max_length=300)
    description = models.TextField(help_text="Paragraphs separated by a blank line.")
    prerequisites = models.TextField(blank=True, help_text="One per line.")
    contact_email = models.EmailField(blank=True)
    pricing_note = models.TextField(
        blank=True, help_text="Shown under the prices, e.g. how learners in and outside India pay."
    )
    instructor = models.ForeignKey(
        Instructor, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    is_published = models.BooleanField(default=True)
    # The landing page shows this course; with one course this is simply it.
    is_featured = models.BooleanField(default=True)

    def __str__(self):
        return self.title


class Product(models.Model):
    """Something a learner buys: a seat in a live cohort, or a self-paced recordings pass.

    Prices are tax inclusive, in minor units (paise, cents). The refund window and the
    mentorship entitlement are properties of what was bought, so they live here.
    """

    class Kind(models.TextChoices):
        LIVE_COHORT = "live_cohort", "Seat in a live cohort"
        SELF_PACED = "self_paced", "Self-paced recordings pass"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="products")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    summary = models.TextField(blank=True)
    highlights = models.CharField(
        max_length=200, blank=True, help_text='Short facts shown on the card, e.g. "40+ hours".'
    )
    price_inr_minor = models.PositiveIntegerField("price in paise (incl. taxes)")
    price_usd_minor = models.PositiveIntegerField("price in cents (incl. taxes)")
    refund_window_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days after the cohort starts; 0 means no refunds."
    )
    mentorship_calls = models.PositiveSmallIntegerField(default=3)
    mentorship_call_minutes = models.PositiveSmallIntegerField(default=30)
    mentorship_validity_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days after purchase to use the calls; empty = no limit."
    )
    is_active = models.BooleanField(default=True)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_inr_minor__gte=100) & Q(price_usd_minor__gte=100),
                name="product_price_at_least_one_unit",
            )
        ]

    def __str__(self):
        return self.name

    def price_minor(self, currency: str) -> int:
        if currency == Currency.INR:
            return self.price_inr_minor
        if currency == Currency.USD:
            return self.price_usd_minor
        raise ValueError(f"Unsupported currency {currency!r}")


class ProductFeature(models.Model):
    """One bullet of what a product includes."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="features")
    text = models.CharField(max_length=200)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "id"]

    def __str__(self):
        return self.text


class OutlineWeek(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="weeks")
    number = models.PositiveSmallIntegerField()
    theme = models.CharField(max_length=120, blank=True, help_text='e.g. "Going Distributed"')
    summary = models.TextField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="unique_week_per_course")
        ]

    def __str__(self):
        return f"Week {self.number}"


class OutlineTopic(models.Model):
    week = models.ForeignKey(OutlineWeek, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(max_length=200)
    problem_statement_url = models.URLField(blank=True)
    is_new = models.BooleanField(default=False)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "id"]

    def __str__(self):
        return self.title


class Testimonial(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="testimonials")
    name = models.CharField(max_length=120)
    month = models.DateField(help_text="Cohort month; the day is ignored.")
    text = models.TextField()
    is_published = models.BooleanField(default=True)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "-month", "id"]

    def __str__(self):
        return f"{self.name} ({self.month:%B %Y})"


class FAQ(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=300)
    answer = models.TextField()
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "id"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"

    def __str__(self):
        return self.question


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class NewsletterSubscriber(models.Model):
    """Double opt-in: a row exists from the form, but mail goes only after `confirmed_at`."""

    email = models.EmailField(unique=True)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class ContentRevision(models.Model):
    """A single row counting catalogue edits.

    The public pages cache their catalogue fragments under this number; every save or delete of
    a catalogue row bumps it in the same transaction (courses.signals), so an admin edit shows
    at once in every process, whatever the cache backend.
    """

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Catalogue revision {self.number}"

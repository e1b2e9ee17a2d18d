# syntax=docker/dockerfile:1
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint renders invoices with Pango/HarfBuzz; DejaVu has the rupee sign.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      fonts-dejavu-core shared-mime-info \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 app
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=app:app . .

# Static files are collected at build time and served by whitenoise.
RUN DJANGO_SETTINGS_MODULE=masterclass.settings.base SECRET_KEY=collectstatic-only \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/media && chown -R app:app /app/media /app/staticfiles

USER app
ENV DJANGO_SETTINGS_MODULE=masterclass.settings.production
EXPOSE 8000
# The same image runs the task worker: `python manage.py db_worker` (and `run_scheduler`).
CMD ["gunicorn", "--config", "gunicorn.conf.py", "masterclass.wsgi:application"]

from django.conf import settings


def site(request):
    return {"APP_VERSION": settings.APP_VERSION, "SUPPORT_EMAIL": settings.INSTRUCTOR_EMAIL}

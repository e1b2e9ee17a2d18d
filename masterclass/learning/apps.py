from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "masterclass.learning"
    label = "learning"
    verbose_name = "Learner home: certificates and feedback"

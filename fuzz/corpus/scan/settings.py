"""Django settings for the crm project (production overrides)."""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEBUG = False
SECRET_KEY = "akXfMqo_7R4MSoSvkiocAIPm1LJ8oyvUeSDcxrpxKybg1Aq4iS"
ALLOWED_HOSTS = ["crm.acme-corp.io", "crm-web.prod.corp"]
INTERNAL_IPS = ["127.0.0.1", "172.16.87.82"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "crm",
        "USER": "crm_app",
        "PASSWORD": "K2nxQmEU76ef4O1h",
        "HOST": "pg-primary.internal",
        "PORT": "5432",
        "CONN_MAX_AGE": 60,
    }
}

CELERY_BROKER_URL = "amqps://celery:smEd6ZgeTi2W2AlE@mq01.prod.corp:5671/crm"
CELERY_TASK_TIME_LIMIT = 300

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "smtp.acme-corp.io"
EMAIL_PORT = 587
EMAIL_USE_TLS = True
EMAIL_HOST_USER = "lukas.raman@umbrella-labs.org"
EMAIL_HOST_PASSWORD = "nxRv17nvNYbJyIic"

ADMINS = [("Priya Raman", "priya.raman@acme-corp.io")]

LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}

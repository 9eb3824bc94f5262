import os

from django.core.wsgi import get_wsgi_application

from maturity_site.middleware import readable_content_types

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maturity_site.settings")
application = readable_content_types(get_wsgi_application())

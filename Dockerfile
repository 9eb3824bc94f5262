# Production image: gunicorn behind your load balancer, static files served by whitenoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/app/data

# WeasyPrint needs Pango and HarfBuzz; the Noto fonts cover non-Latin scripts and emoji
# in PDF reports.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 app
WORKDIR /app

# The locked versions, hashes checked, in a layer of their own that a code change keeps;
# then the project itself, without dependencies, built with the locked setuptools.
COPY requirements/tools.txt requirements/prod.txt ./requirements/
RUN pip install --no-cache-dir --require-hashes -r requirements/tools.txt \
    && pip install --no-cache-dir --require-hashes -r requirements/prod.txt
COPY pyproject.toml README.md ./
COPY maturity_site ./maturity_site
COPY assessment ./assessment
RUN pip install --no-cache-dir --no-deps --no-build-isolation .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY fixtures ./fixtures
# collectstatic needs production settings, which refuse a short key: a random one, used
# for this step only.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input \
    && mkdir -p /app/data && chown app:app /app/data

USER app
EXPOSE 8000
CMD ["gunicorn", "maturity_site.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--timeout", "60", "--access-logfile", "-"]

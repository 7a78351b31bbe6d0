# The web, worker and beat image. Not built on the development machine (no Docker engine
# there); tests/deployment/test_container_files.py checks its shape.
#
#   docker build -t crm .
#   docker run --env-file .env -p 8000:8000 crm                      # web (gunicorn)
#   docker run --env-file .env crm celery -A crm worker -l INFO      # worker
#
# No secret is baked in: DJANGO_SECRET_KEY, DATABASE_URL and REDIS_URL come at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=crm.production_settings \
    PORT=8000

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so code changes reuse this layer. The
# project installs no package of its own: the code runs from /app.
COPY pyproject.toml ./
RUN pip install .

# The code belongs to root and is read-only to the app user; only var/ (filesystem broker,
# beat schedule) is writable.
COPY . .
RUN groupadd --system --gid 10001 crm \
    && useradd --system --uid 10001 --gid crm --home-dir /app --no-create-home crm

# Hashed, compressed static files for WhiteNoise. The key and database here exist only for
# this command (settings refuse to load without them); nothing is stored in the image.
RUN DJANGO_SECRET_KEY=collectstatic-only-build-time-value-not-a-secret \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    python manage.py collectstatic --no-input \
    && rm -f /tmp/collectstatic.sqlite3 \
    && mkdir -p /app/var \
    && chown -R crm:crm /app/var

USER crm
EXPOSE 8000

# Health checks are per service in docker-compose.yml: this one image also runs the worker
# and beat, which serve no HTTP.
CMD ["gunicorn", "-c", "gunicorn.conf.py"]

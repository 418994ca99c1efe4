# contactsite: the Django app served by gunicorn on port 3000 (PORT overrides).
# `docker compose up` runs it beside DynamoDB Local; alone, it runs exactly as
# the tutorial runs the Node demo, against real AWS:
#   docker run --rm -d -p 80:3000 --name contactsite \
#     -e AWS_REGION=ap-southeast-1 -e AWS_ACCESS_KEY_ID=... -e AWS_SECRET_ACCESS_KEY=... <image>
# Start-up (wait for DynamoDB, create the table, migrate, admin user): scripts/docker-start.
FROM python:3.11.17-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=3000

WORKDIR /app

# Dependencies in their own layer: rebuilt only when requirements.txt changes.
# Every pinned package ships a wheel (psycopg's binary one bundles libpq, for a
# PostgreSQL DATABASE_URL; gevent and greenlet have x86_64 and arm64 ones), so
# no compiler or system library is needed.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . ./

# Static files are collected into the image (WhiteNoise serves them). Settings
# need a secret key to load; this throwaway one exists only during this RUN.
# The code stays owned by root; the app's user can write only data/, where the
# default SQLite auth database lives (compose mounts a volume there).
RUN DJANGO_SECRET_KEY=collectstatic-build-only python manage.py collectstatic --noinput --verbosity 0 \
    && groupadd --system --gid 10001 contactsite \
    && useradd --system --uid 10001 --gid contactsite --create-home --home-dir /home/contactsite \
       --shell /usr/sbin/nologin contactsite \
    && mkdir -p /app/data \
    && chown contactsite:contactsite /app/data

USER 10001:10001

EXPOSE 3000

# No curl in the slim image: Python asks /healthz. The Host header is the first
# of DJANGO_ALLOWED_HOSTS (a leading dot stripped), so a production host list
# does not turn the check into a 400.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; host = os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); host = 'localhost' if host in ('', '*') else host; request = urllib.request.Request('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), headers={'Host': host}); urllib.request.urlopen(request, timeout=4)"]

CMD ["/app/scripts/docker-start"]

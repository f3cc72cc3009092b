# Xieshou API. Mirrors the README's install: pip install the project with the tested versions
# (constraints.txt), then `xieshou serve`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    XIESHOU_DATABASE_URL=sqlite:////data/xieshou.db \
    XIESHOU_DATA_DIR=/data

WORKDIR /srv/xieshou
COPY pyproject.toml README.md constraints.txt ./
COPY app ./app
COPY matching ./matching
COPY migrations ./migrations
RUN pip install -c constraints.txt . \
    && useradd --system --uid 10001 --home-dir /srv/xieshou xieshou \
    && mkdir -p /data && chown xieshou /data

USER xieshou
VOLUME ["/data"]
EXPOSE 8000
# Set XIESHOU_DATABASE_URL=postgresql+psycopg://user:pass@host/db for production, with
# XIESHOU_JOBS_URL (redis://… or a database URL) and XIESHOU_JOBS_CONSUMER=false on the
# replicas; run the job worker from the same image with the command `xieshou worker`.
# With --workers 2 the app is loaded once and the workers forked from it (gunicorn), so they
# share its memory; more workers cost little memory each (README, "Memory of several workers").
CMD ["xieshou", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]

# reflectbot: one image for every process; configure it with environment variables (README).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=3978

RUN useradd --create-home --uid 10001 reflectbot
WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY dialogs ./dialogs
COPY storage ./storage
COPY manifest ./manifest
# A plain install: the package carries what its commands need (the Teams manifest included).
RUN pip install --no-cache-dir .

USER reflectbot
WORKDIR /home/reflectbot
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"
CMD ["reflectbot", "serve", "--host", "0.0.0.0"]

# One image for the gateway, the Celery workers and the simulators.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 EDIGW_HOME=/var/lib/edigw
WORKDIR /app
COPY pyproject.toml README.md ./
COPY edi edi
COPY partners partners
COPY translators translators
COPY gateway gateway
COPY tasks tasks
COPY samples samples
RUN pip install --no-cache-dir . && useradd --system --home /var/lib/edigw edigw \
    && mkdir -p /var/lib/edigw && chown edigw /var/lib/edigw
USER edigw
EXPOSE 8080
CMD ["edigw", "serve"]

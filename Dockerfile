FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY api ./api
COPY importers ./importers
COPY visual ./visual
RUN pip install --no-cache-dir . && useradd --create-home wijknet && mkdir -p /app/data && chown wijknet /app/data
USER wijknet
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health').status == 200 else 1)"
CMD ["wijknet", "serve", "--host", "0.0.0.0", "--port", "8000"]

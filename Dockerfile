# The Welkom bot. The NLU runs in the official Rasa image (see docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY requirements/bot.lock requirements/bot.lock
RUN pip install --no-cache-dir --require-hashes -r requirements/bot.lock
COPY bot bot
COPY content content
ENV DATABASE_PATH=/data/welkom.db
VOLUME /data
CMD ["python", "-m", "bot", "run"]

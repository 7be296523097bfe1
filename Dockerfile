# Tradewind image. Build metadata comes in as build args and is recorded at install time:
#   docker build --build-arg GIT_BRANCH=$(git rev-parse --abbrev-ref HEAD) \
#                --build-arg GIT_COMMIT=$(git rev-parse --short HEAD) \
#                --build-arg BUILD_TIMESTAMP=$(date -u +%Y-%m-%dT%H:%M:%SZ) -t tradewind .
FROM python:3.11-slim

ARG GIT_BRANCH=unknown
ARG GIT_COMMIT=unknown
ARG BUILD_TIMESTAMP=unknown

WORKDIR /opt/tradewind
COPY pyproject.toml hatch_build.py README.md LICENSE ./
COPY src ./src
RUN GIT_BRANCH="$GIT_BRANCH" GIT_COMMIT="$GIT_COMMIT" BUILD_TIMESTAMP="$BUILD_TIMESTAMP" \
    pip install --no-cache-dir . \
    && tradewind --version

WORKDIR /work
ENTRYPOINT ["tradewind"]
CMD ["data", "list"]

// Pay module: see docs/architecture.md

// Generator module: see docs/architecture.md

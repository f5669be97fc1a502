// RulesLanguage module: see docs/architecture.md

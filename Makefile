# jifen — the two commands a new machine needs are `make demo` and `make test`.
# Both install what is missing first (as root: apt-get), then build.

SWIFT ?= swift
SAMPLES := samples
MONTHS := 2020-10 2020-11 2020-12

.PHONY: setup build release demo test bench clean libreoffice-check portal-check

# System packages: libxlsxwriter for the reports (and pkg-config to find it).
setup:
	@if ! pkg-config --exists xlsxwriter 2>/dev/null; then \
	  echo "==> installing libxlsxwriter-dev"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pkg-config libxlsxwriter-dev >/dev/null; \
	fi

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --product jifen

# The demo: the three sample months in order into a fresh store, with all reports.
demo: release
	@rm -rf store/jifen.sqlite store/jifen.sqlite-wal store/jifen.sqlite-shm out
	@for m in $(MONTHS); do \
	  echo "==> jifen batch run --month $$m"; \
	  .build/release/jifen batch run --month $$m --quiet || exit $$?; \
	  echo; \
	done
	@.build/release/jifen batch list
	@echo
	@echo "数据库 store: store/jifen.sqlite    报表 reports: out/<月份>/    解释 explain: .build/release/jifen explain samples/2020-12 --cadre FM-001"

test: setup
	$(SWIFT) build --product jifen
	$(SWIFT) test

bench: setup
	$(SWIFT) build -c release --product jifen
	$(SWIFT) build -c release --product jifen-bench
	@mkdir -p bench-data
	@test -f bench-data/50000/duty.csv || .build/release/jifen gen --cadres 50000 --month 2020-12 --seed 7 --out bench-data/50000
	.build/release/jifen-bench ingest bench-data/50000
	.build/release/jifen-bench validate bench-data/50000 --month 2020-12

# The sample reports opened in LibreOffice Calc, recalculated and compared (installs
# libreoffice-calc if missing; slow the first time).
libreoffice-check: setup
	JIFEN_REPORTS_OUT=$(CURDIR)/out/report-sample $(SWIFT) test --filter ReportsTests
	scripts/libreoffice-check.sh out/report-sample

# The portal in headless Chromium at phone width (installs chromium if missing); screenshots
# in out/portal-check/.
portal-check: setup
	$(SWIFT) build --product jifen
	JIFEN=.build/debug/jifen scripts/portal-browser-check.sh

clean:
	rm -rf .build out

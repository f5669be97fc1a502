# jifen — the two commands a new machine needs are `make demo` and `make test`.
# Both install what is missing first (as root: apt-get), then build.

SWIFT ?= swift
SAMPLES := samples
MONTHS := 2020-10 2020-11 2020-12
# The sample year: every month of 2021 is run and closed, then the year's annual assessment
# (年度考核) and year-end bonus are run over them (docs/year.md).
YEAR := 2021
YEAR_MONTHS := $(foreach m,01 02 03 04 05 06 07 08 09 10 11 12,$(YEAR)-$(m))
# The demo's correction: late night-duty records of November (samples/2020-11-补报/), handed in
# after November was closed, carried into December (docs/corrections.md).
CORRECT_MONTH := 2020-11
CORRECT_DATA := $(SAMPLES)/2020-11-补报
CORRECT_CADRE := WL-004
# The month after the last sample month: the one whose data the clerks type next, so the
# demo and the round trip make its data-entry templates (computed, never written out).
NEXT_MONTH := $(shell echo $(lastword $(YEAR_MONTHS)) | awk -F- '{ y = $$1; m = $$2 + 1; if (m > 12) { m = 1; y++ } printf "%04d-%02d", y, m }')
# The community whose own templates (值班-富民.xlsx …) the round trip and the picture use.
TEMPLATE_COMMUNITY ?= 富民

.PHONY: setup build release demo test bench bench-year bench-python reference-check bench-compare callgrind clean libreoffice-check report-roundtrip template-picture portal-check crash-check fuzz

# System packages: libxlsxwriter for the reports, zlib's headers (read xlsx, deflate level),
# libdeflate to deflate the reports' parts faster, libzstd for the store's compressed inputs,
# and pkg-config to find them.
setup:
	@if ! pkg-config --exists xlsxwriter zlib libzstd 2>/dev/null || [ ! -e /usr/include/zlib.h ] || [ ! -e /usr/include/zstd.h ] || [ ! -e /usr/include/libdeflate.h ]; then \
	  echo "==> installing libxlsxwriter-dev zlib1g-dev libdeflate-dev libzstd-dev"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pkg-config libxlsxwriter-dev zlib1g-dev libdeflate-dev libzstd-dev >/dev/null; \
	fi

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --product jifen

# The demo: the three sample months in order into a fresh store, with all reports, then the
# data-entry templates of the month after (docs/clerk-guide.md).
demo: release
	@rm -rf store/jifen.sqlite store/jifen.sqlite-wal store/jifen.sqlite-shm out
	@for m in $(MONTHS); do \
	  echo "==> jifen batch run --month $$m"; \
	  .build/release/jifen batch run --month $$m --quiet || exit $$?; \
	  echo; \
	  if [ "$$m" = "$(CORRECT_MONTH)" ]; then \
	    echo "==> jifen batch close --month $$m"; \
	    .build/release/jifen batch close --month $$m --actor 民政局 || exit $$?; \
	    echo; \
	    echo "==> jifen batch correct --month $$m --data $(CORRECT_DATA) --reason \"卧龙社区夜班记录关账后补报\"（关账后补报的材料：更正运行，差额在下月补发补扣）"; \
	    .build/release/jifen batch correct --month $$m --data $(CORRECT_DATA) --reason "卧龙社区夜班记录关账后补报" --actor 民政局 || exit $$?; \
	    echo; \
	  fi; \
	done
	@echo "==> $(YEAR) 年各月：jifen batch run，然后 jifen batch close（年度考核只读关账的月份）"
	@for m in $(YEAR_MONTHS); do \
	  .build/release/jifen batch run --month $$m --quiet >/dev/null || { .build/release/jifen batch run --month $$m --quiet; exit 1; }; \
	  .build/release/jifen batch close --month $$m --actor 民政局 >/dev/null || exit $$?; \
	  printf '%s ' $$m; \
	done; echo
	@echo
	@.build/release/jifen batch list | head -n 8
	@echo
	@echo "==> jifen year run --year $(YEAR)（年度考核和年终绩效奖）"
	@.build/release/jifen year run --year $(YEAR) --actor 民政局 || exit $$?
	@echo
	@echo "==> jifen year show --year $(YEAR)"
	@.build/release/jifen year show --year $(YEAR)
	@echo
	@echo "==> jifen explain $(SAMPLES)/$(lastword $(MONTHS)) --cadre $(CORRECT_CADRE) --store store/jifen.sqlite（$(lastword $(MONTHS)) 支付的补发补扣）"
	@.build/release/jifen explain $(SAMPLES)/$(lastword $(MONTHS)) --cadre $(CORRECT_CADRE) --store store/jifen.sqlite | sed -n '/^补发补扣/,$$p'
	@echo "工资条 pay slips: out/$(lastword $(MONTHS))/工资条.xlsx（每人工资条下的“补发补扣明细”）    补发名单: out/$(lastword $(MONTHS))/补发名单.xlsx    门户 portal: jifen serve → $(CORRECT_CADRE) 的 $(lastword $(MONTHS)) 页面"
	@echo
	@echo "==> jifen template --month $(NEXT_MONTH) --out out/templates/$(NEXT_MONTH)"
	@log=$$(.build/release/jifen template --month $(NEXT_MONTH) --out out/templates/$(NEXT_MONTH)) || { echo "$$log"; exit 1; }; \
	  echo "$$log" | tail -n 1
	@echo
	@echo "年度报表 annual reports: out/$(YEAR)-年度/（年度考核表、年度公示表、年终奖发放表、年终奖银行代发、全年一次性奖金收入、年度个税明细、年度等次统计）"
	@echo "数据库 store: store/jifen.sqlite    报表 reports: out/<月份>/    解释 explain: .build/release/jifen explain samples/2020-12 --cadre FM-001"
	@echo "录入模板 templates for $(NEXT_MONTH): out/templates/$(NEXT_MONTH)/    文书指南 clerk guide: docs/clerk-guide.md"

# The tests' temporary folders (stores, reports, copies of samples: hundreds of MB a run) go
# in one folder of their own under the system's, removed when the tests end, pass or fail.
test: setup
	$(SWIFT) build --product jifen
	@scratch=$$(mktemp -d "$${TMPDIR:-/tmp}/jifen-tests.XXXXXX") && \
	  TMPDIR=$$scratch $(SWIFT) test; status=$$?; rm -rf "$$scratch"; exit $$status

# Benchmarks (release): ingest and validation throughput on a province-scale month, then
# the whole batch (validate, score, pay, store, all seven reports) on 1,000 / 10,000 /
# 50,000 cadres, each printing seconds per stage, rows/s and peak RSS.
BENCH_SIZES := 1000 10000 50000
bench: setup
	$(SWIFT) build -c release --product jifen
	$(SWIFT) build -c release --product jifen-bench
	@for n in $(BENCH_SIZES); do \
	  test -f bench-data/$$n/2020-12/duty.csv || .build/release/jifen gen --cadres $$n --month 2020-12 --seed 7 --out bench-data/$$n/2020-12 || exit $$?; \
	done
	.build/release/jifen-bench ingest bench-data/50000/2020-12
	.build/release/jifen-bench validate bench-data/50000/2020-12 --month 2020-12
	.build/release/jifen-bench evaluate bench-data/1000/2020-12 --month 2020-12
	@for n in $(BENCH_SIZES); do \
	  echo "==> batch, $$n cadres"; \
	  rm -f bench-data/store-$$n.sqlite*; \
	  .build/release/jifen batch run --month 2020-12 --no-earlier-income --data bench-data/$$n --store bench-data/store-$$n.sqlite \
	    --out bench-data/out-$$n --quiet --no-record-detail || exit $$?; \
	done
	@echo "==> batch, 50000 cadres, payroll only (the issue's pandas comparison: score and write the payroll)"
	@rm -f bench-data/store-payroll.sqlite*
	.build/release/jifen batch run --month 2020-12 --no-earlier-income --data bench-data/50000 --store bench-data/store-payroll.sqlite \
	  --out bench-data/out-payroll --quiet --no-record-detail --reports payroll

# The year run of issue 14 at 50,000 cadres over twelve stored, closed months (bench/year.sh:
# the months are generated and stored once, in bench-data/year-50000/).
bench-year: setup
	$(SWIFT) build -c release --product jifen
	bench/year.sh

# The race of issue 15: bench/pandas_reference.py (the sample rules in pandas + XlsxWriter)
# against `jifen batch run --reports payroll` on the 50,000-cadre month, each timed (wall
# seconds, peak RSS) with a fresh store for jifen, and both must pay the same Σ gross and Σ net
# to the 分. First the reference is checked against jifen on the sample months (every cadre's
# score, tier, net pay). Time it on a quiet machine: `flock /work/.swift-build.lock make bench-compare`.
PYTHON ?= python3
COMPARE_CADRES ?= 50000
bench-python:
	@$(PYTHON) -c 'import pandas, xlsxwriter' 2>/dev/null || { echo "==> pip install pandas XlsxWriter"; $(PYTHON) -m pip install -q pandas XlsxWriter; }

reference-check: release bench-python
	$(PYTHON) bench/pandas_reference.py --data $(SAMPLES) --months $(MONTHS) --check --quiet

bench-compare: reference-check
	@test -f bench-data/$(COMPARE_CADRES)/2020-12/opening.csv || .build/release/jifen gen --cadres $(COMPARE_CADRES) --month 2020-12 --seed 7 --out bench-data/$(COMPARE_CADRES)/2020-12 --opening
	$(PYTHON) bench/compare.py --data bench-data/$(COMPARE_CADRES) --month 2020-12
	$(PYTHON) bench/compare.py --data bench-data/$(COMPARE_CADRES) --month 2020-12 --jifen-flags=--no-record-detail

# Instructions per input row of validate + score under valgrind's callgrind (release
# jifen-bench score on the 10,000-cadre month, record detail kept, then without), and the
# most expensive functions: before/after a change in one command (bench/callgrind.sh).
CALLGRIND_CADRES ?= 10000
callgrind: setup
	$(SWIFT) build -c release --product jifen
	$(SWIFT) build -c release --product jifen-bench
	@command -v valgrind >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
	@test -f bench-data/$(CALLGRIND_CADRES)/2020-12/duty.csv || .build/release/jifen gen --cadres $(CALLGRIND_CADRES) --month 2020-12 --seed 7 --out bench-data/$(CALLGRIND_CADRES)/2020-12
	bench/callgrind.sh bench-data/$(CALLGRIND_CADRES)/2020-12
	bench/callgrind.sh bench-data/$(CALLGRIND_CADRES)/2020-12 --no-record-detail

# The sample reports opened in LibreOffice Calc, recalculated and compared (installs
# libreoffice-calc if missing; slow the first time).
libreoffice-check: setup
	JIFEN_REPORTS_OUT=$(CURDIR)/out/report-sample $(SWIFT) test --filter ReportsTests
	scripts/libreoffice-check.sh out/report-sample

# The sample months' reports as a real spreadsheet program sees them: each month's seven
# workbooks opened in LibreOffice with recalculation forced, totals and identifiers checked.
# Then the next month's data-entry templates, the county's and one community's, each opened
# and saved by LibreOffice: sheets, header, protection, every validation and dropdown value
# kept, 姓名（自动）computed (scripts/libreoffice-template-check.sh).
report-roundtrip: setup
	$(SWIFT) build --product jifen
	@rm -rf .build/report-roundtrip
	@# As in the demo, November is closed and corrected, so December carries the correction
	@# and writes 补发名单.xlsx for the cadre who left: LibreOffice opens it too.
	@for m in $(MONTHS); do \
	  .build/debug/jifen batch run --month $$m --store .build/report-roundtrip/jifen.sqlite --out .build/report-roundtrip/out --quiet >/dev/null || exit $$?; \
	  scripts/libreoffice-check.sh .build/report-roundtrip/out/$$m || exit $$?; \
	  if [ "$$m" = "$(CORRECT_MONTH)" ]; then \
	    .build/debug/jifen batch close --month $$m --store .build/report-roundtrip/jifen.sqlite --actor 民政局 >/dev/null || exit $$?; \
	    .build/debug/jifen batch correct --month $$m --data $(CORRECT_DATA) --reason "关账后补报" --store .build/report-roundtrip/jifen.sqlite --actor 民政局 >/dev/null || exit $$?; \
	  fi; \
	done
	@ls .build/report-roundtrip/out/$(lastword $(MONTHS))/补发名单.xlsx
	@# The sample year: each 2021 month run and closed, then the year's workbooks opened.
	@for m in $(YEAR_MONTHS); do \
	  .build/debug/jifen batch run --month $$m --store .build/report-roundtrip/jifen.sqlite --out .build/report-roundtrip/out --quiet --reports payroll >/dev/null || exit $$?; \
	  .build/debug/jifen batch close --month $$m --store .build/report-roundtrip/jifen.sqlite --actor 民政局 >/dev/null || exit $$?; \
	done
	@.build/debug/jifen year run --year $(YEAR) --store .build/report-roundtrip/jifen.sqlite --out .build/report-roundtrip/out --quiet >/dev/null
	@scripts/libreoffice-check.sh .build/report-roundtrip/out/$(YEAR)-年度
	@# One bank file per bank (scripts/report-roundtrip.json): the last month again, alone in a
	@# store of its own (so --no-earlier-income, S0007), its
	@# bank files and tax file opened by LibreOffice, totals against the payroll.
	@.build/debug/jifen batch run --month $(lastword $(MONTHS)) --no-earlier-income --config scripts/report-roundtrip.json \
	  --store .build/report-roundtrip/banks.sqlite --out .build/report-roundtrip/banks --quiet >/dev/null
	@ls .build/report-roundtrip/banks/$(lastword $(MONTHS))/银行代发-*.xlsx
	@scripts/libreoffice-check.sh .build/report-roundtrip/banks/$(lastword $(MONTHS))
	@t=.build/report-roundtrip/templates/$(NEXT_MONTH); \
	  .build/debug/jifen template --month $(NEXT_MONTH) --out $$t >/dev/null && \
	  .build/debug/jifen template --month $(NEXT_MONTH) --community $(TEMPLATE_COMMUNITY) --out $$t >/dev/null && \
	  scripts/libreoffice-template-check.sh $$t

# The picture of a filled template in docs/clerk-guide.md, as LibreOffice renders it
# (LibreOffice headless → PDF → PNG; installs LibreOffice and poppler-utils if missing).
template-picture: setup
	$(SWIFT) build --product jifen
	scripts/template-picture.sh .build/debug/jifen $(NEXT_MONTH) $(TEMPLATE_COMMUNITY) docs/images/template-duty.png

# The portal in headless Chromium at phone width (installs chromium if missing); screenshots
# in out/portal-check/.
portal-check: setup
	$(SWIFT) build --product jifen
	JIFEN=.build/debug/jifen scripts/portal-browser-check.sh

# kill -9 at random moments of a batch (24 trials): the store stays consistent with whole
# runs only, out/<month> holds one run's complete set, no staging folder outlives the next
# command (scripts/crash_check.py).
CRASH_TRIALS ?= 24
crash-check: setup
	$(SWIFT) build --product jifen
	python3 scripts/crash_check.py .build/debug/jifen .build/crash-check $(CRASH_TRIALS)

# Fuzzing (docs/architecture.md, "Fuzzing"): the CSV reader, the xlsx reader and the rules
# language under libFuzzer with AddressSanitizer, one target at a time for FUZZ_SECONDS each,
# from seeds made of samples/ and rules/. The corpus grows in $(FUZZ_DIR)/corpus across runs;
# crashes, timeouts and OOMs are saved in $(FUZZ_DIR)/artifacts and fail the target. Each
# target prints how many inputs it ran and what it found.
# Replay one with an ordinary build: swift build --product jifen-fuzz-csv && .build/debug/jifen-fuzz-csv FILE
FUZZ_SECONDS ?= 120
FUZZ_TARGETS ?= csv xlsx rules
FUZZ_DIR ?= .build-fuzzer
# Exclusivity checks kept on (Package.swift turns them off in release builds of the row path).
FUZZ_BUILD = JIFEN_EXCLUSIVITY_CHECKS=1 $(SWIFT) build -c release --scratch-path $(FUZZ_DIR) -Xswiftc -sanitize=fuzzer,address -Xswiftc -DJIFEN_FUZZ
FUZZ_OPTIONS ?= -rss_limit_mb=2048 -timeout=10 -detect_leaks=0 -use_value_profile=1 -print_final_stats=1
fuzz: setup
	@for t in $(FUZZ_TARGETS); do $(FUZZ_BUILD) --product jifen-fuzz-$$t || exit $$?; done
	@rm -rf $(FUZZ_DIR)/seeds && mkdir -p $(FUZZ_DIR)/artifacts $(FUZZ_DIR)/logs && touch $(FUZZ_DIR)/logs/started
	@$(FUZZ_DIR)/release/jifen-fuzz-csv --make-seeds $(FUZZ_DIR)/seeds/csv $(SAMPLES)/*/*.csv $(SAMPLES)/bad/*/*.csv
	@$(FUZZ_DIR)/release/jifen-fuzz-xlsx --make-seeds $(FUZZ_DIR)/seeds/xlsx $(SAMPLES)/*/*.csv $(SAMPLES)/bad/*/*.csv $(SAMPLES)/bad/*/*.xlsx
	@$(FUZZ_DIR)/release/jifen-fuzz-rules --make-seeds $(FUZZ_DIR)/seeds/rules rules/*.jifen rules/tests/*.jifen-test
	@for t in $(FUZZ_TARGETS); do 	  echo "==> fuzzing $$t for $(FUZZ_SECONDS) s"; 	  mkdir -p $(FUZZ_DIR)/corpus/$$t; 	  SWIFT_BACKTRACE=enable=no $(FUZZ_DIR)/release/jifen-fuzz-$$t $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/seeds/$$t 	    -dict=$(FUZZ_DIR)/seeds/$$t.dict -max_total_time=$(FUZZ_SECONDS) $(FUZZ_OPTIONS) 	    -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t- > $(FUZZ_DIR)/logs/$$t.log 2>&1; 	  tail -n 3 $(FUZZ_DIR)/logs/$$t.log | grep -v '^stat::' || true; 	done
	@failed=0; for t in $(FUZZ_TARGETS); do 	  runs=$$(grep -m1 'stat::number_of_executed_units' $(FUZZ_DIR)/logs/$$t.log | awk '{print $$2}'); 	  found=$$(ls $(FUZZ_DIR)/artifacts 2>/dev/null | grep -c "^$$t-" || true); 	  echo "$$t: $${runs:-0} executions, $$found crashes/timeouts/OOMs (logs: $(FUZZ_DIR)/logs/$$t.log)"; 	  [ "$$found" -eq 0 ] || failed=1; 	done; 	if [ $$failed -ne 0 ]; then find $(FUZZ_DIR)/artifacts -newer $(FUZZ_DIR)/logs/started -type f; exit 1; fi

clean:
	rm -rf .build out

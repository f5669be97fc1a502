#!/bin/sh
# A store of 12 closed months of 50,000 cadres (5 score lines, 10 pay lines and a tier reason
# each, a veto for every 97th), filled by SQL in a few seconds, for the scale test of the
# year's read (Tests/StoreTests/YearStoreScaleTests.swift):
#   scripts/year-bench-store.sh /tmp/yearbench/jifen.sqlite
#   JIFEN_YEAR_BENCH_STORE=/tmp/yearbench/jifen.sqlite swift test --filter YearStoreScaleTests
set -e
store=${1:?usage: year-bench-store.sh STORE}
rm -f "$store"
.build/debug/jifen year list --store "$store" --out "$(dirname "$store")/out" >/dev/null
sqlite3 "$store" <<'SQL'
PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM m WHERE k<12)
INSERT INTO run (id, month, state, rulesHash, rulesVersion, engineVersion, createdBy, createdAt, cadreCount, rowsUsed, rowsIgnored, rowsRejected, pointsTotal, grossFen, deductionsFen, netFen, summary)
SELECT k, printf('2021-%02d', k), 'closed', 'h', 'v', 'e', 'bench', 'now', 50000, 0, 0, 0, '0', 0, 0, 0, X'7B7D' FROM m;
WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM m WHERE k<12),
 i(n) AS (SELECT 0 UNION ALL SELECT n+1 FROM i WHERE n<4)
INSERT INTO scoreItem (runID, seq, kind, name, citation) SELECT k, n, 'item', '积分项' || n, NULL FROM m, i;
WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM m WHERE k<12),
 i(n) AS (SELECT 0 UNION ALL SELECT n+1 FROM i WHERE n<9)
INSERT INTO payItem (runID, seq, name, kind, citation, roundingRule, roundingScale, traceTemplate) SELECT k, n, '工资项' || n, CASE WHEN n < 6 THEN 'earning' ELSE 'deduction' END, NULL, NULL, NULL, X'' FROM m, i;
WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM m WHERE k<12),
 c(s) AS (SELECT 0 UNION ALL SELECT s+1 FROM c WHERE s<49999)
INSERT INTO cadreResult (runID, cadreID, seq, name, community, post, level, points, tier, rank, groupSize, grossFen, deductionsFen, netFen, grid, groupName, yearMonths)
SELECT k, printf('C%06d', s), s, '某某', '社区' || (s % 300), '网格员', 3, printf('%d.%02d', 60 + (s*7+k) % 40, (s+k) % 100), CASE WHEN (s+k) % 5 = 0 THEN '优秀' ELSE '称职' END, 1 + s % 150, 150, 500000, 60000, 440000, NULL, '社区' || (s % 300), k FROM m, c;
WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM m WHERE k<12),
 c(s) AS (SELECT 0 UNION ALL SELECT s+1 FROM c WHERE s<49999),
 i(n) AS (SELECT 0 UNION ALL SELECT n+1 FROM i WHERE n<4)
INSERT INTO scoreLine (runID, cadreSeq, seq, item, raw, points, recordCount, reason, approvedBy, counting)
SELECT k, s, n, n, '4.5', '4.5', 3, NULL, NULL, NULL FROM m, c, i;
WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM m WHERE k<12),
 c(s) AS (SELECT 0 UNION ALL SELECT s+1 FROM c WHERE s<49999),
 i(n) AS (SELECT 0 UNION ALL SELECT n+1 FROM i WHERE n<9)
INSERT INTO payLine (runID, cadreSeq, seq, item, amountFen, yearFen)
SELECT k, s, n, n, 10000 + n, (10000 + n) * k FROM m, c, i;
WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM m WHERE k<12),
 c(s) AS (SELECT 0 UNION ALL SELECT s+1 FROM c WHERE s<49999)
INSERT INTO tierReason (runID, cadreSeq, seq, kind, tier, condition) SELECT k, s, 0, 'threshold', '称职', '总分 ≥ 60' FROM m, c;
WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k+1 FROM m WHERE k<12),
 c(s) AS (SELECT 0 UNION ALL SELECT s+1 FROM c WHERE s<49999 ) 
INSERT INTO tierReason (runID, cadreSeq, seq, kind, tier, name) SELECT k, s, 1, 'veto', '不称职', '安全事故' FROM m, c WHERE s % 97 = 0;
COMMIT;
SQL

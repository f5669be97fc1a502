import GRDB

/// The store's schema, one named migration per change (never edit a shipped one).
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: runs, inputs, results, rejected rows, audit") { db in
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("month", .text).notNull().indexed()
                t.column("state", .text).notNull()
                t.column("rulesHash", .text).notNull()
                t.column("rulesVersion", .text).notNull()
                t.column("engineVersion", .text).notNull()
                t.column("createdBy", .text).notNull()
                t.column("createdAt", .text).notNull()
                t.column("publishedAt", .text)
                t.column("objectionsUntil", .text)
                t.column("closedAt", .text)
                t.column("supersededBy", .integer).references("run")
                t.column("cadreCount", .integer).notNull()
                t.column("rowsUsed", .integer).notNull()
                t.column("rowsIgnored", .integer).notNull()
                t.column("rowsRejected", .integer).notNull()
                t.column("pointsTotal", .text).notNull()
                t.column("grossFen", .integer).notNull()
                t.column("deductionsFen", .integer).notNull()
                t.column("netFen", .integer).notNull()
                t.column("summary", .blob).notNull()
            }
            try db.create(table: "blob") { t in
                t.primaryKey("sha256", .text)
                t.column("byteCount", .integer).notNull()
            }
            try db.create(table: "blobChunk") { t in
                t.column("sha256", .text).notNull().references("blob", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("content", .blob).notNull()
                t.primaryKey(["sha256", "seq"])
            }
            try db.create(table: "runInput") { t in
                t.column("runID", .integer).notNull().references("run", onDelete: .cascade)
                t.column("role", .text).notNull()
                t.column("name", .text).notNull()
                t.column("sha256", .text).notNull().references("blob")
                t.column("byteCount", .integer).notNull()
                t.primaryKey(["runID", "name"])
            }
            try db.create(table: "cadreResult") { t in
                t.column("runID", .integer).notNull().references("run", onDelete: .cascade)
                t.column("cadreID", .text).notNull()
                t.column("seq", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("community", .text).notNull()
                t.column("post", .text).notNull()
                t.column("level", .integer).notNull()
                t.column("points", .text).notNull()
                t.column("tier", .text).notNull()
                t.column("rank", .integer).notNull()
                t.column("groupSize", .integer).notNull()
                t.column("grossFen", .integer).notNull()
                t.column("deductionsFen", .integer).notNull()
                t.column("netFen", .integer).notNull()
                t.column("detail", .blob).notNull()
                t.primaryKey(["runID", "cadreID"])
            }
            try db.create(table: "rejectedRow") { t in
                t.column("runID", .integer).notNull().references("run", onDelete: .cascade)
                t.column("file", .text).notNull()
                t.column("line", .integer).notNull()
                t.column("codes", .text).notNull()
                t.column("reasons", .text).notNull()
                t.column("cells", .text).notNull()
            }
            try db.create(table: "audit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("month", .text)
                t.column("runID", .integer)
                t.column("reason", .text)
                t.column("detail", .text)
            }
        }
        m.registerMigration("v2: portal users, activation codes, sessions, objections") { db in
            try db.create(table: "portalUser") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("username", .text).notNull().unique()
                t.column("role", .text).notNull()
                t.column("cadreID", .text).unique()
                t.column("displayName", .text).notNull()
                t.column("passwordHash", .text).notNull()
                t.column("failedAttempts", .integer).notNull().defaults(to: 0)
                t.column("lockedUntil", .integer)
                t.column("createdAt", .text).notNull()
            }
            try db.create(table: "activationCode") { t in
                t.primaryKey("cadreID", .text)
                t.column("codeHash", .text).notNull()
                t.column("month", .text).notNull()
                t.column("createdAt", .text).notNull()
                t.column("usedAt", .text)
                t.column("failedAttempts", .integer).notNull().defaults(to: 0)
                t.column("lockedUntil", .integer)
            }
            try db.create(table: "portalSession") { t in
                t.primaryKey("tokenHash", .text)
                t.column("userID", .integer).notNull().references("portalUser", onDelete: .cascade).indexed()
                t.column("csrfToken", .text).notNull()
                t.column("createdAt", .integer).notNull()
                t.column("expiresAt", .integer).notNull()
            }
            try db.create(table: "objection") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("runID", .integer).notNull().references("run")
                t.column("month", .text).notNull()
                t.column("cadreID", .text).notNull().indexed()
                t.column("reference", .text).notNull()
                t.column("referenceLabel", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("state", .text).notNull().indexed()
                t.column("reply", .text)
                t.column("repliedBy", .text)
                t.column("createdAt", .text).notNull()
                t.column("repliedAt", .text)
            }
        }
        m.registerMigration("v3: objections accepted with an adjustment or a data fix") { db in
            // How an accepted objection was resolved, and for a data fix which file or record
            // staff will correct.
            try db.alter(table: "objection") { t in
                t.add(column: "resolution", .text)
                t.add(column: "dataFix", .text)
            }
            // An accepted objection's adjustment, scored by every later run of its month as a
            // row of the month's adjustments.
            try db.create(table: "objectionAdjustment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("objectionID", .integer).notNull().unique().references("objection")
                t.column("month", .text).notNull().indexed()
                t.column("cadreID", .text).notNull()
                t.column("points", .text)
                t.column("amountFen", .integer)
                t.column("reason", .text).notNull()
                t.column("approver", .text).notNull()
                t.column("createdAt", .text).notNull()
            }
            // Which adjustments a run included, and at which line of its `申诉调整.csv` input.
            try db.create(table: "runAdjustment") { t in
                t.column("runID", .integer).notNull().references("run", onDelete: .cascade)
                t.column("adjustmentID", .integer).notNull().references("objectionAdjustment").indexed()
                t.column("line", .integer).notNull()
                t.primaryKey(["runID", "adjustmentID"])
            }
        }
        m.registerMigration("v4-portal: login throttle by address and account, portal secrets") { db in
            // Failed logins and activations counted per key, checked and counted in one
            // IMMEDIATE transaction before the password is checked (PortalThrottle.swift).
            // `scope` is pair (one address at one account), account (all addresses) or
            // address (all accounts); `subject` is the SHA-256 of the user name or 工号 as
            // typed ("" for an address key), so names that match no account are never stored;
            // `label` is the user name when it matched an account, for staff to see.
            try db.create(table: "portalThrottle") { t in
                t.column("scope", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("address", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("label", .text)
                t.column("failures", .integer).notNull().defaults(to: 0)
                t.column("locks", .integer).notNull().defaults(to: 0)
                t.column("lockedUntil", .integer)
                t.column("updatedAt", .integer).notNull().indexed()
                t.primaryKey(["scope", "kind", "address", "subject"])
            }
            try db.create(index: "portalThrottle_subject", on: "portalThrottle", columns: ["subject"])
            // Server secrets shared by every process serving the store (the key that signs
            // pre-login form tokens).
            try db.create(table: "portalSecret") { t in
                t.primaryKey("name", .text)
                t.column("value", .text).notNull()
                t.column("createdAt", .text).notNull()
            }
        }
        m.registerMigration("v5: adjustments awaiting a second staff member's approval") { db in
            // An adjustment above the rules' review line (调整复核分值, 调整复核金额) is stored
            // awaiting approval; it joins the month's runs only once another staff member
            // approves it. Adjustments stored before this migration needed no approval.
            try db.alter(table: "objectionAdjustment") { t in
                t.add(column: "needsSecondApproval", .boolean).notNull().defaults(to: false)
                t.add(column: "acceptedBy", .text)
                t.add(column: "secondApprover", .text)
                t.add(column: "secondApprovedAt", .text)
            }
        }
        m.registerMigration("v5b: batch requests the portal queues for a worker process") { db in
            // 重新计算 in the portal records a request here and a separate `jifen batch work`
            // process executes it (BatchRequests.swift), reporting progress and outcome.
            try db.create(table: "batchRequest") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("month", .text).notNull().indexed()
                t.column("requestedBy", .text).notNull()
                t.column("requestedAt", .text).notNull()
                t.column("state", .text).notNull()
                t.column("pid", .integer)
                t.column("startedAt", .text)
                t.column("finishedAt", .text)
                t.column("stage", .text)
                t.column("rows", .integer)
                t.column("runID", .integer)
                t.column("message", .text)
            }
        }
        m.registerMigration("v6: results as typed rows with traces as documents, inputs compressed") { db in
            // Inputs: each chunk says how it is stored; earlier chunks are raw.
            try db.alter(table: "blobChunk") { t in
                t.add(column: "encoding", .integer).notNull().defaults(to: BlobEncoding.raw.rawValue)
            }
            // Results: the cadre's row keeps its figures and gains what the JSON alone held;
            // lines, clips, reasons and year to date get tables of their own, and the
            // traces one document per cadre. No foreign keys to `cadreResult`: these rows
            // are written with their run, in its transaction, and runs are never deleted.
            try db.alter(table: "cadreResult") { t in
                t.add(column: "grid", .text)
                t.add(column: "groupName", .text).notNull().defaults(to: "")
                t.add(column: "yearMonths", .integer)
            }
            try db.create(index: "cadreResult_on_runID_seq", on: "cadreResult", columns: ["runID", "seq"], options: .unique)
            try db.create(table: ScoreItemTable.name, options: .withoutRowID) { t in
                t.column("runID", .integer).notNull().references("run", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("citation", .text)
                t.primaryKey(["runID", "seq"])
            }
            try db.create(table: ScoreLineTable.name, options: .withoutRowID) { t in
                t.column("runID", .integer).notNull()
                t.column("cadreSeq", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("item", .integer).notNull()
                t.column("raw", .text).notNull()
                t.column("points", .text).notNull()
                t.column("recordCount", .integer).notNull()
                t.column("reason", .text)
                t.column("approvedBy", .text)
                t.column("counting", .text)
                t.primaryKey(["runID", "cadreSeq", "seq"])
            }
            try db.create(table: ScoreClipTable.name, options: .withoutRowID) { t in
                t.column("runID", .integer).notNull()
                t.column("cadreSeq", .integer).notNull()
                t.column("lineSeq", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("scope", .text).notNull()
                t.column("day", .text)
                t.column("limit", .text).notNull()
                t.column("removed", .text).notNull()
                t.primaryKey(["runID", "cadreSeq", "lineSeq", "seq"])
            }
            try db.create(table: TierReasonTable.name, options: .withoutRowID) { t in
                t.column("runID", .integer).notNull()
                t.column("cadreSeq", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("tier", .text)
                t.column("condition", .text)
                t.column("share", .text)
                t.column("places", .integer)
                t.column("rank", .integer)
                t.column("toTier", .text)
                t.column("name", .text)
                t.column("citation", .text)
                t.column("recordFile", .text)
                t.column("recordLine", .integer)
                t.column("recordDate", .text)
                t.column("recordSummary", .text)
                t.column("recordPoints", .text)
                t.column("rule", .text)
                t.column("tiedWith", .text)
                t.primaryKey(["runID", "cadreSeq", "seq"])
            }
            try db.create(table: PayItemTable.name, options: .withoutRowID) { t in
                t.column("runID", .integer).notNull().references("run", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("citation", .text)
                t.column("roundingRule", .text)
                t.column("roundingScale", .integer)
                t.column("traceTemplate", .blob).notNull()
                t.primaryKey(["runID", "seq"])
            }
            try db.create(table: PayLineTable.name, options: .withoutRowID) { t in
                t.column("runID", .integer).notNull()
                t.column("cadreSeq", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("item", .integer).notNull()
                t.column("amountFen", .integer).notNull()
                t.column("yearFen", .integer)
                t.primaryKey(["runID", "cadreSeq", "seq"])
            }
            try db.create(table: YearToDateTable.name, options: .withoutRowID) { t in
                t.column("runID", .integer).notNull()
                t.column("cadreSeq", .integer).notNull()
                t.column("line", .text).notNull()
                t.column("amountFen", .integer).notNull()
                t.primaryKey(["runID", "cadreSeq", "line"])
            }
            try db.create(table: CadreTraceTable.name, options: .withoutRowID) { t in
                t.column("runID", .integer).notNull()
                t.column("cadreSeq", .integer).notNull()
                t.column("document", .blob).notNull()
                t.primaryKey(["runID", "cadreSeq"])
            }
            // Every stored run's JSON becomes rows, then the JSON goes.
            try LegacyResults.convert(db)
            try db.alter(table: "cadreResult") { t in t.drop(column: "detail") }
        }
        m.registerMigration("v7: corrections of closed months, carried into a later month") { db in
            // `jifen batch correct` recomputes a closed month with corrected inputs as a run
            // of state 'correction' (the closed run never changes); `correction` names it,
            // the run it was compared with (the closed run, or the month's previous
            // correction) and why; `correctionLine` holds each pay line that changed, per
            // cadre, as the difference to pay (补发) or recover (补扣).
            try db.create(table: "correction") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("runID", .integer).notNull().unique().references("run", onDelete: .cascade)
                t.column("month", .text).notNull().indexed()
                t.column("closedRunID", .integer).notNull().references("run")
                t.column("baseRunID", .integer).notNull().references("run")
                t.column("reason", .text).notNull()
                t.column("createdBy", .text).notNull()
                t.column("createdAt", .text).notNull()
            }
            try db.create(table: "correctionLine") { t in
                t.column("correctionID", .integer).notNull().references("correction", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("cadreID", .text).notNull().indexed()
                t.column("name", .text).notNull()
                t.column("line", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("amountFen", .integer).notNull()
                t.column("inPost", .boolean).notNull()
                t.primaryKey(["correctionID", "seq"])
            }
            // Which run carried which correction: a correction is carried by exactly one
            // month's current run (a re-run of that month carries it again, in its place).
            try db.create(table: "runCorrection") { t in
                t.column("runID", .integer).notNull().references("run", onDelete: .cascade)
                t.column("correctionID", .integer).notNull().references("correction").indexed()
                t.primaryKey(["runID", "correctionID"])
            }
        }
        m.registerMigration("v8-year: year runs (年度考核) with their results as rows, year objections") { db in
            // A year run (`jifen year run`): the annual assessment of the stored months, with
            // the states of a month's run (draft, published, closed, superseded), the months it
            // read (each with its run), and a stale flag that a later change to one of those
            // months (a correction, a reopened or re-run month) sets with its reason.
            try db.create(table: "yearRun") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("year", .integer).notNull().indexed()
                t.column("state", .text).notNull()
                t.column("rulesHash", .text).notNull()
                t.column("rulesVersion", .text).notNull()
                t.column("engineVersion", .text).notNull()
                t.column("createdBy", .text).notNull()
                t.column("createdAt", .text).notNull()
                t.column("publishedAt", .text)
                t.column("objectionsUntil", .text)
                t.column("closedAt", .text)
                t.column("supersededBy", .integer).references("yearRun")
                t.column("stale", .boolean).notNull().defaults(to: false)
                t.column("staleReason", .text)
                t.column("cadreCount", .integer).notNull()
                t.column("grossFen", .integer).notNull()
                t.column("deductionsFen", .integer).notNull()
                t.column("netFen", .integer).notNull()
                // JSON texts (sorted keys): the tiers best first, the monthly pay lines listed,
                // and the run's summary (tiers counted, the bonus tax by method).
                t.column("tierOrder", .text).notNull()
                t.column("monthPayLines", .text).notNull()
                t.column("summary", .text).notNull()
            }
            try db.create(table: "yearRunMonth", options: .withoutRowID) { t in
                t.column("yearRunID", .integer).notNull().references("yearRun", onDelete: .cascade)
                t.column("month", .text).notNull()
                t.column("runID", .integer).notNull().references("run")
                t.column("closed", .boolean).notNull()
                t.primaryKey(["yearRunID", "month"])
            }
            try db.create(table: "yearCadre", options: .withoutRowID) { t in
                t.column("yearRunID", .integer).notNull().references("yearRun", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("cadreID", .text).notNull()
                t.column("name", .text).notNull()
                t.column("community", .text).notNull()
                t.column("grid", .text)
                t.column("post", .text).notNull()
                t.column("level", .integer).notNull()
                t.column("monthsInPost", .integer).notNull()
                t.column("score", .text)
                t.column("scoreText", .text)
                t.column("tier", .text).notNull()
                t.column("rank", .integer).notNull()
                t.column("groupSize", .integer).notNull()
                t.column("groupName", .text).notNull()
                t.column("grossFen", .integer).notNull()
                t.column("deductionsFen", .integer).notNull()
                t.column("netFen", .integer).notNull()
                t.primaryKey(["yearRunID", "seq"])
            }
            try db.create(index: "yearCadre_on_cadreID", on: "yearCadre", columns: ["cadreID", "yearRunID"])
            // Each month the year read for the cadre: `payFen` the amounts of the run's
            // `monthPayLines` in that order, as integers 分 separated by commas; `vetoes` a JSON array.
            try db.create(table: "yearCadreMonth", options: .withoutRowID) { t in
                t.column("yearRunID", .integer).notNull()
                t.column("cadreSeq", .integer).notNull()
                t.column("month", .text).notNull()
                t.column("score", .text).notNull()
                t.column("tier", .text).notNull()
                t.column("rank", .integer).notNull()
                t.column("vetoes", .text).notNull()
                t.column("payFen", .text).notNull()
                t.primaryKey(["yearRunID", "cadreSeq", "month"])
            }
            // The annual tier's reasons, with the columns of `tierReason`.
            try db.create(table: "yearTierReason", options: .withoutRowID) { t in
                t.column("yearRunID", .integer).notNull()
                t.column("cadreSeq", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("tier", .text)
                t.column("condition", .text)
                t.column("share", .text)
                t.column("places", .integer)
                t.column("rank", .integer)
                t.column("toTier", .text)
                t.column("name", .text)
                t.column("citation", .text)
                t.column("recordFile", .text)
                t.column("recordLine", .integer)
                t.column("recordDate", .text)
                t.column("recordSummary", .text)
                t.column("recordPoints", .text)
                t.column("rule", .text)
                t.column("tiedWith", .text)
                t.primaryKey(["yearRunID", "cadreSeq", "seq"])
            }
            // The annual pay lines (年终绩效奖, its tax, 实发).
            try db.create(table: "yearPayLine", options: .withoutRowID) { t in
                t.column("yearRunID", .integer).notNull()
                t.column("cadreSeq", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("citation", .text)
                t.column("amountFen", .integer).notNull()
                t.primaryKey(["yearRunID", "cadreSeq", "seq"])
            }
            // A bonus's tax both ways (NULL: the method was not available) and the one taken.
            try db.create(table: "yearBonusTax", options: .withoutRowID) { t in
                t.column("yearRunID", .integer).notNull()
                t.column("cadreSeq", .integer).notNull()
                t.column("seq", .integer).notNull()
                t.column("line", .text).notNull()
                t.column("bonusFen", .integer).notNull()
                t.column("separateFen", .integer)
                t.column("mergedFen", .integer)
                t.column("chosen", .text).notNull()
                t.column("why", .text).notNull()
                t.primaryKey(["yearRunID", "cadreSeq", "seq"])
            }
            // The traces a person reads (pay lines, both taxes), one JSON document per cadre.
            try db.create(table: "yearTrace", options: .withoutRowID) { t in
                t.column("yearRunID", .integer).notNull()
                t.column("cadreSeq", .integer).notNull()
                t.column("document", .blob).notNull()
                t.primaryKey(["yearRunID", "cadreSeq"])
            }
            // An objection to a year run (the annual 公示): `month` holds the year's key
            // (`2021-年度`), `runID` the last month run the year read, `yearRunID` the year run.
            try db.alter(table: "objection") { t in
                t.add(column: "yearRunID", .integer).references("yearRun")
            }
        }
        m.registerMigration("v9-year-chunks: a year run's months and traces in compressed chunks of cadres") { db in
            // `YearChunk`: each cadre's months (what `yearCadreMonth` held, a row per cadre and
            // month) and annual traces (`yearTrace`, a row per cadre) for cadres `firstSeq` ..<
            // `firstSeq + count`, one zstd frame. Year runs stored before keep their rows, and
            // are read from them; later runs write chunks only.
            try db.create(table: "yearChunk", options: .withoutRowID) { t in
                t.column("yearRunID", .integer).notNull().references("yearRun", onDelete: .cascade)
                t.column("firstSeq", .integer).notNull()
                t.column("count", .integer).notNull()
                t.column("document", .blob).notNull()
                t.primaryKey(["yearRunID", "firstSeq"])
            }
        }
        m.registerMigration("v10: record detail citing a run's summaries by number, cadre documents compressed") { db in
            // Documents written from now on are `TraceDocument` format 2 bodies, 64 cadres'
            // compressed together as format 3: each record names its file and summary by
            // number in these tables. Documents already stored stay
            // format 1 (texts inline) and read as before: nothing to convert.
            try db.create(table: RecordFileTable.name, options: .withoutRowID) { t in
                t.column("runID", .integer).notNull().references("run", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("name", .text).notNull()
                t.primaryKey(["runID", "seq"])
            }
            try db.create(table: RecordTextTable.name, options: .withoutRowID) { t in
                t.column("runID", .integer).notNull().references("run", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("count", .integer).notNull()
                t.column("content", .blob).notNull()
                t.primaryKey(["runID", "seq"])
            }
            // A cadre's clips in one small document on its row (`ClipList`), NULL for none,
            // rather than a `scoreClip` row each (a third of a million rows a province month).
            try db.alter(table: "cadreResult") { t in t.add(column: "clips", .blob) }
        }
        m.registerMigration("v11: a cadre's score and pay lines packed on its row") { db in
            // `LineList`: a cadre's score lines and pay lines as one small binary value on its
            // row, rather than a `scoreLine` and a `payLine` row each (about 1.8 million rows a
            // province month). Runs stored before keep their rows (`lines` NULL) and are read
            // from them; later runs write `lines` only.
            try db.alter(table: "cadreResult") { t in t.add(column: "lines", .blob) }
        }
        m.registerMigration("v12: record summaries in columns of words") { db in
            // `RecordTextChunk.Encoding`: chunks stored before are length-prefixed texts. From
            // here on runs also store their inputs' chunks in columns (`blobChunk.encoding` 2,
            // `BlobEncoding.zstdColumns`), a value of the existing column.
            try db.alter(table: RecordTextTable.name) { t in
                t.add(column: "encoding", .integer).notNull().defaults(to: RecordTextChunk.Encoding.lengths.rawValue)
            }
        }
        m.registerMigration("v13-year-corrections: the correction run a year read each month's scoring from") { db in
            // A year reads a corrected month's scoring (points, tiers, ranks, vetoes) from the
            // month's latest correction run and its pay from the current run. NULL: the
            // month had no correction, or the year run was stored before (and read the
            // current run alone).
            try db.alter(table: "yearRunMonth") { t in t.add(column: "correctionRunID", .integer).references("run") }
        }
        m.registerMigration("v14-month-stale: a month's run computed from an earlier month's superseded year to date") { db in
            // `staleReason`: set when a later run of an earlier month of the same year (a re-run)
            // replaced the results this run's year to date was carried from; such a run may not
            // be published or closed (S0024) until the month is run again. NULL: not stale.
            // `yearToDateRunID`: the run this run's year to date was carried from (the current
            // run of the latest earlier month of the year when it was stored), NULL for none or
            // for runs stored before.
            try db.alter(table: "run") { t in
                t.add(column: "staleReason", .text)
                t.add(column: "yearToDateRunID", .integer).references("run")
            }
        }
        m.registerMigration("v15-portal-accounts: disabled accounts, last login, a session's last use") { db in
            // `disabledAt`: an account staff disabled (`jifen user disable`, /staff) cannot log
            // in. `lastLoginAt`: seconds since 1970 of its last login or activation (`jifen user
            // list`). `lastSeenAt`: when a session last answered a request, for the idle
            // timeout; NULL for sessions made before (their `createdAt` counts).
            try db.alter(table: "portalUser") { t in
                t.add(column: "disabledAt", .text)
                t.add(column: "lastLoginAt", .integer)
            }
            try db.alter(table: "portalSession") { t in t.add(column: "lastSeenAt", .integer) }
        }
        return m
    }
}

import Exact

/// Reads and checks the roster: the fixed core fields, one row per 工号, unique ID numbers,
/// sensible employment dates.
public struct RosterReader {
    public var schema: SourceSchema
    public var month: YearMonth
    public var tuning: ValidationTuning

    public init(schema: SourceSchema = StandardSchemas.roster, month: YearMonth, tuning: ValidationTuning = ValidationTuning()) {
        self.schema = schema
        self.month = month
        self.tuning = tuning
    }

    public func read(path: String) -> (Roster, FileReport) {
        let (roster, reports) = read(paths: [path])
        return (roster, reports[0])
    }

    /// Reads a roster kept as several files (one per community), as one: a 工号 or an ID
    /// number in two files is a conflict as it would be in one. A report per file.
    public func read(paths: [String]) -> (Roster, [FileReport]) {
        read(files: paths.map { InputSet.File(path: $0) })
    }

    /// `read(paths:)` for files of an input set, on disk or held in memory.
    public func read(files: [InputSet.File]) -> (Roster, [FileReport]) {
        var validator = SourceValidator(schema: schema, month: month, roster: nil, tuning: tuning)
        let f = { (name: String) in schema.fieldIndex(name)! }
        let (iID, iIDNumber, iHired, iLeft) = (f("工号"), f("身份证号"), f("入职日期"), f("离职日期"))
        var idNumbers: [Int64: (id: String, origin: RowOrigin)] = [:]
        validator.rowCheck = { v, row, origin in
            var problems: [RecordProblem] = []
            let id = v.decoder.text(iID, row.payload[iID])
            if row.present[iIDNumber] {
                if let other = idNumbers[row.payload[iIDNumber]] {
                    problems.append(.sharedIDNumber(Place(origin, column: nil, columnName: "身份证号"), otherID: other.id, otherLine: other.origin.line,
                                                    otherFile: other.origin.path == origin.path ? nil : other.origin.path))
                } else {
                    idNumbers[row.payload[iIDNumber]] = (id, origin)
                }
            }
            if row.present[iLeft], row.present[iHired], row.payload[iLeft] < row.payload[iHired] {
                problems.append(.leftBeforeHired(
                    Place(origin, columnName: "离职日期"),
                    hiredOn: CivilDate(daysSinceEpoch: Int32(row.payload[iHired])),
                    leftOn: CivilDate(daysSinceEpoch: Int32(row.payload[iLeft]))))
            }
            return problems
        }
        var cadres: [Cadre] = []
        var reports: [FileReport] = []
        for file in files {
            let path = file.path
            let first = cadres.count
            var report = validator.validate(file: file) { row, decoder in
                cadres.append(cadre(row, decoder: decoder, path: path))
            }
            for c in cadres[first...] where !c.isEmployed(in: month) {
                report.problems.append(.notEmployedThisMonth(Place(c.origin), id: c.id, month: month))
            }
            if let sheet = report.sheet {
                for i in first..<cadres.count { cadres[i].origin.sheet = sheet }
                report.problems = report.problems.map { $0.placedInSheet(sheet) }
            }
            reports.append(report)
        }
        return (Roster(cadres), reports)
    }

    private func cadre(_ row: borrowing DecodedRow, decoder: borrowing FieldDecoder, path: String) -> Cadre {
        func text(_ name: String) -> String? {
            guard let i = schema.fieldIndex(name), row.present[i] else { return nil }
            return decoder.text(i, row.payload[i])
        }
        func value(_ name: String) -> Int64? {
            guard let i = schema.fieldIndex(name), row.present[i] else { return nil }
            return row.payload[i]
        }
        // The categories of 专项附加扣除 are core columns kept with the extra ones, by name.
        let core: Set<String> = Set(StandardSchemas.roster.fields.map(\.name)).subtracting(StandardSchemas.specialDeductionCategories.map(\.name))
        var extra: [String: String] = [:]
        for (i, field) in schema.fields.enumerated() where !core.contains(field.name) && row.present[i] {
            extra[field.name] = decoder.text(i, row.payload[i])
        }
        return Cadre(
            id: text("工号")!, name: text("姓名") ?? "", idNumber: text("身份证号") ?? "",
            community: text("社区") ?? "", grid: text("网格"), post: text("岗位") ?? "",
            level: Int(value("岗位等级") ?? 0),
            hiredOn: CivilDate(daysSinceEpoch: Int32(value("入职日期") ?? 0)),
            leftOn: value("离职日期").map { CivilDate(daysSinceEpoch: Int32($0)) },
            bankAccount: text("银行账号") ?? "", bank: text("开户行"), phone: text("手机"),
            specialDeduction: value("专项附加扣除").map { Money(fen: $0) },
            origin: RowOrigin(path: path, line: row.line), extra: extra)
    }
}

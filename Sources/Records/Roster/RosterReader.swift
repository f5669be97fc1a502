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
        let iAccount = schema.fieldIndex("银行账号")
        let iName = schema.fieldIndex("姓名")
        var idNumbers: [Int64: (id: String, origin: RowOrigin)] = [:]
        var accounts: [Int64: (id: String, origin: RowOrigin)] = [:]
        validator.rowCheck = { v, row, origin in
            var problems: [RecordProblem] = []
            // A roster without its 工号 column (D0024) names nobody: nothing to compare.
            guard row.present[iID] else { return problems }
            let id = v.decoder.text(iID, row.payload[iID])
            if row.present[iIDNumber] {
                if let other = idNumbers[row.payload[iIDNumber]] {
                    problems.append(.sharedIDNumber(Place(origin, column: nil, columnName: "身份证号"), otherID: other.id, otherLine: other.origin.line,
                                                    otherFile: other.origin.path == origin.path ? nil : other.origin.path))
                } else {
                    idNumbers[row.payload[iIDNumber]] = (id, origin)
                }
            }
            // One account per cadre: the bank file pays into each cadre's own account.
            if let iAccount, row.present[iAccount] {
                if let other = accounts[row.payload[iAccount]] {
                    problems.append(.sharedBankAccount(
                        Place(origin, column: nil, columnName: "银行账号"), id: id, account: v.decoder.text(iAccount, row.payload[iAccount]),
                        otherID: other.id, otherLine: other.origin.line, otherFile: other.origin.path == origin.path ? nil : other.origin.path))
                } else {
                    accounts[row.payload[iAccount]] = (id, origin)
                }
            }
            // The name is the bank file's 户名: a line break, tab or zero-width character typed
            // or pasted into it breaks the bank's import or the match with the account.
            if let iName, row.present[iName] {
                let name = v.decoder.text(iName, row.payload[iName])
                if name.unicodeScalars.contains(where: { s in
                    let c = s.properties.generalCategory
                    return c == .control || c == .format || c == .lineSeparator || c == .paragraphSeparator
                }) {
                    problems.append(.invisibleCharactersInName(Place(origin, columnName: "姓名"), id: id, name: name))
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
        let fields = Fields(schema)
        for file in files {
            let path = file.path
            let first = cadres.count
            var report = validator.validate(file: file) { row, decoder in
                // A row without a 工号 (its column missing, D0024) is no cadre.
                guard let i = fields.id, row.present[i] else { return }
                cadres.append(cadre(row, decoder: decoder, fields: fields, path: path))
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
        let roster = Roster(cadres)
        // A one-person community a typo made (社区0O01 beside 社区0001): a warning at its rows.
        var column: [String: Int] = [:]
        for r in reports {
            if let c = r.columns.firstIndex(where: { schema.field(forHeader: $0)?.name == "社区" }) { column[r.path] = c + 1 }
        }
        for p in CommunityNames.problems(roster, column: column) {
            guard case .communityLikeAnother(let place, _, _, _, _) = p, let k = reports.firstIndex(where: { $0.path == place.path }) else { continue }
            reports[k].problems.append(p)
        }
        return (roster, reports)
    }

    /// Where each core field sits in the schema and which fields are extra, resolved once per
    /// read: looking fields up by their Chinese names for every cadre cost more than the rest
    /// of the row.
    struct Fields {
        let id, name, idNumber, community, grid, post, level, hired, left, account, bank, phone, deduction: Int?
        /// Fields that are not core (the categories of 专项附加扣除 count as extra), in order.
        let extra: [(index: Int, name: String)]

        init(_ schema: SourceSchema) {
            let f = schema.fieldIndex
            id = f("工号")
            name = f("姓名")
            idNumber = f("身份证号")
            community = f("社区")
            grid = f("网格")
            post = f("岗位")
            level = f("岗位等级")
            hired = f("入职日期")
            left = f("离职日期")
            account = f("银行账号")
            bank = f("开户行")
            phone = f("手机")
            deduction = f("专项附加扣除")
            // The categories of 专项附加扣除 are core columns kept with the extra ones, by name.
            let core: Set<String> = Set(StandardSchemas.roster.fields.map(\.name))
                .subtracting(StandardSchemas.specialDeductionCategories.map(\.name))
            extra = schema.fields.enumerated().filter { !core.contains($0.element.name) }.map { ($0.offset, $0.element.name) }
        }
    }

    private func cadre(_ row: borrowing DecodedRow, decoder: borrowing FieldDecoder, fields: Fields, path: String) -> Cadre {
        func text(_ i: Int?) -> String? {
            guard let i, row.present[i] else { return nil }
            return decoder.text(i, row.payload[i])
        }
        func value(_ i: Int?) -> Int64? {
            guard let i, row.present[i] else { return nil }
            return row.payload[i]
        }
        var extra: [String: String] = [:]
        for (i, name) in fields.extra where row.present[i] {
            extra[name] = decoder.text(i, row.payload[i])
        }
        return Cadre(
            id: text(fields.id)!, name: text(fields.name) ?? "", idNumber: text(fields.idNumber) ?? "",
            community: text(fields.community) ?? "", grid: text(fields.grid), post: text(fields.post) ?? "",
            level: Int(value(fields.level) ?? 0),
            hiredOn: CivilDate(daysSinceEpoch: Int32(value(fields.hired) ?? 0)),
            leftOn: value(fields.left).map { CivilDate(daysSinceEpoch: Int32($0)) },
            bankAccount: text(fields.account) ?? "", bank: text(fields.bank), phone: text(fields.phone),
            specialDeduction: value(fields.deduction).map { Money(fen: $0) },
            origin: RowOrigin(path: path, line: row.line), extra: extra)
    }
}

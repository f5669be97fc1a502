import Diagnostics
import Exact

extension RulesParser {
    // MARK: - Sources

    /// source = "数据源" NAME [attributes] "{" { field } "}"
    /// field  = NAME "：" type { "，" ( "可空" | "最低" expr | "最高" expr ) }
    mutating func parseSource(start: Int) throws -> SourceDeclaration {
        let name = try expectName(after: .source)
        let attributes = try parseAttributes()
        var fields: [FieldDeclaration] = []
        let block = try parseBlock(.source) { p in
            guard p.isIdentifier(p.peek) else {
                if p.peek(1).kind == .colon, let k = p.keywordError(p.peek) { try p.fail(k) }
                try p.fail(p.unknownClause(.source, allowed: []))
            }
            let fieldName = try p.name()
            _ = try p.expect(.colon, .colon)
            let type = try p.parseFieldType()
            var optional = false
            var end = type.span.end
            var minimum: Expression? = nil, maximum: Expression? = nil
            var seen: [Keyword: Span] = [:]
            // `，可空`, `，最低 0.01`, `，最高 24`, each at most once, in any order.
            while true {
                let comma = p.atKind(.comma)
                guard let k = (comma ? p.peek(1) : p.peek).keyword, k == .optional || k == .atLeast || k == .atMost else { break }
                if comma { p.advance() }
                let t = p.advance()
                if let first = seen[k] { try p.fail(.duplicateClause(t.span, clause: k, first: first)) }
                seen[k] = t.span
                if k == .optional {
                    optional = true
                    end = t.span.end
                } else {
                    let e = try p.parseExpression()
                    if k == .atLeast { minimum = e } else { maximum = e }
                    end = e.span.end
                }
            }
            fields.append(FieldDeclaration(name: fieldName, type: type, isOptional: optional, span: Span(start: fieldName.span.start, end: end),
                                           minimum: minimum, maximum: maximum))
        }
        return SourceDeclaration(name: name, attributes: attributes, fields: fields, span: Span(start: start, end: block.end))
    }

    /// type = "文本" | "整数" | "小数" | "日期型" | "时间型" | "金额型" | "是否型" | "积分型" | "天数型" | "次数型"
    ///      | "枚举" "（" NAME { "、" NAME } "）"
    mutating func parseFieldType() throws -> FieldType {
        let t = peek
        let simple: FieldType.Kind? =
            switch t.keyword {
            case .text: .text
            case .integer: .integer
            case .decimal: .decimal
            case .date: .date
            case .time: .time
            case .money: .money
            case .boolean: .boolean
            case .points: .points
            case .days: .days
            case .times: .count
            default: nil
            }
        if let simple {
            advance()
            return FieldType(kind: simple, span: t.span)
        }
        guard t.keyword == .enumeration else { try fail(.expectedFieldType(t.span, found: t.kind)) }
        advance()
        let open = try expect(.lParen, .keyword(.enumeration))
        var values: [Identifier] = []
        while true {
            skipNewlines()
            if let close = eatKind(.rParen) {
                if values.isEmpty { try fail(.emptyEnumeration(open.span.union(close.span))) }
                return FieldType(kind: .enumeration(values), span: Span(start: t.span.start, end: close.span.end))
            }
            if !values.isEmpty {
                guard eatKind(.listComma) != nil || eatKind(.comma) != nil else { try failClosing(open) }
                skipNewlines()
            }
            if case .string(let s) = peekKind {
                values.append(Identifier(name: s, span: advance().span))
            } else {
                values.append(try name())
            }
        }
    }

    // MARK: - Items

    /// item    = ( "积分项" | "扣分项" | "调整项" ) NAME [attributes] "{" { itemClause } "}"
    /// itemClause = "取" selection | "每条" expr | "计" expr | "每日上限" expr | "每月上限" expr
    ///            | "下限" expr | "扣完为止" | "须注明" NAME { "、" NAME }
    mutating func parseItem(_ kind: ItemDeclaration.Kind, keyword: Keyword, start: Int) throws -> ItemDeclaration {
        let name = try expectName(after: keyword)
        let attributes = try parseAttributes()
        var clauses: [ItemClause] = []
        var seen: [String: Span] = [:]
        let errorsBefore = errors.count
        let allowed: [Keyword] = [.take, .each, .total, .dailyCap, .monthlyCap, .floor, .untilZero, .requires]
        let block = try parseBlock(keyword) { p in
            let t = p.peek
            guard let k = t.keyword, allowed.contains(k) else { try p.fail(p.unknownClause(keyword, allowed: allowed)) }
            // Each, total and the floor forms exclude each other.
            let group: String =
                switch k {
                case .each, .total: "score"
                case .floor, .untilZero: "floor"
                default: k.rawValue
                }
            if k != .requires, let first = seen[group] {
                try p.fail(.duplicateClause(t.span, clause: k, first: first))
            }
            seen[group] = t.span
            p.advance()
            switch k {
            case .take:
                clauses.append(.take(try p.parseSelection(start: t.span.start)))
            case .each, .total:
                let e = try p.parseExpression()
                clauses.append(.score(Scoring(mode: k == .each ? .eachRecord : .total, amount: e, span: t.span.union(e.span))))
            case .dailyCap, .monthlyCap:
                let e = try p.parseExpression()
                clauses.append(.cap(Cap(period: k == .dailyCap ? .day : .month, amount: e, span: t.span.union(e.span))))
            case .floor:
                let e = try p.parseExpression()
                clauses.append(.floor(Floor(amount: e, span: t.span.union(e.span))))
            case .untilZero:
                clauses.append(.floor(Floor(amount: nil, span: t.span)))
            default:  // requires
                var names = [try p.name()]
                while p.eatKind(.listComma) != nil || (p.atKind(.comma) && p.isIdentifier(p.peek(1)) && p.advance().kind == .comma) {
                    names.append(try p.name())
                }
                clauses.append(.requires(names, span: Span(start: t.span.start, end: names.last!.span.end)))
            }
        }
        // A clause that failed to parse may be the missing one: do not report it twice.
        if errors.count == errorsBefore, seen["take"] == nil { errors.append(.missingClause(name.span, declaration: keyword, clause: .take)) }
        if errors.count == errorsBefore, seen["score"] == nil { errors.append(.missingClause(name.span, declaration: keyword, clause: .each)) }
        return ItemDeclaration(kind: kind, name: name, attributes: attributes, clauses: clauses, span: Span(start: start, end: block.end))
    }

    /// selection = NAME [ "其中" expr ]
    mutating func parseSelection(start: Int) throws -> Selection {
        let source = try name()
        var filter: Expression?
        if eat(.where) != nil { filter = try parseExpression() }
        return Selection(source: source, filter: filter, span: Span(start: start, end: filter?.span.end ?? source.span.end))
    }

    /// base = "基础分" [attributes] expr
    mutating func parseBaseScore(start: Int) throws -> BaseScoreDeclaration {
        let attributes = try parseAttributes()
        let amount = try parseExpression()
        return BaseScoreDeclaration(attributes: attributes, amount: amount, span: Span(start: start, end: amount.span.end))
    }

    /// scoreRange = "总分范围" [attributes] "{" { "最低" expr | "最高" expr } "}"
    mutating func parseScoreRange(start: Int) throws -> ScoreRangeDeclaration {
        let attributes = try parseAttributes()
        var floor: Expression?, ceiling: Expression?
        var seen: [Keyword: Span] = [:]
        let errorsBefore = errors.count
        let block = try parseBlock(.scoreRange) { p in
            let t = p.peek
            guard let k = t.keyword, k == .atLeast || k == .atMost else { try p.fail(p.unknownClause(.scoreRange, allowed: [.atLeast, .atMost])) }
            if let first = seen[k] { try p.fail(.duplicateClause(t.span, clause: k, first: first)) }
            seen[k] = t.span
            p.advance()
            let e = try p.parseExpression()
            if k == .atLeast { floor = e } else { ceiling = e }
        }
        if errors.count == errorsBefore, floor == nil, ceiling == nil {
            errors.append(.missingClause(Span(start: start, end: block.start), declaration: .scoreRange, clause: .atLeast))
        }
        return ScoreRangeDeclaration(attributes: attributes, floor: floor, ceiling: ceiling, span: Span(start: start, end: block.end))
    }

    /// groupCap = "合计上限" NAME [attributes] "{" { "包括" NAME { "、" NAME } | "每月上限" expr } "}"
    mutating func parseGroupCap(start: Int) throws -> GroupCapDeclaration {
        let name = try expectName(after: .groupCap)
        let attributes = try parseAttributes()
        var items: [Identifier] = []
        var cap: Expression?
        var seen: [Keyword: Span] = [:]
        let errorsBefore = errors.count
        let block = try parseBlock(.groupCap) { p in
            let t = p.peek
            guard let k = t.keyword, k == .includes || k == .monthlyCap else { try p.fail(p.unknownClause(.groupCap, allowed: [.includes, .monthlyCap])) }
            if let first = seen[k] { try p.fail(.duplicateClause(t.span, clause: k, first: first)) }
            seen[k] = t.span
            p.advance()
            if k == .monthlyCap {
                cap = try p.parseExpression()
                return
            }
            repeat { items.append(try p.name()) } while p.eatKind(.listComma) != nil || p.eatKind(.comma) != nil
        }
        if errors.count == errorsBefore {
            if items.isEmpty { errors.append(.missingClause(name.span, declaration: .groupCap, clause: .includes)) }
            else if cap == nil { errors.append(.missingClause(name.span, declaration: .groupCap, clause: .monthlyCap)) }
        }
        return GroupCapDeclaration(name: name, attributes: attributes, items: items, cap: cap, span: Span(start: start, end: block.end))
    }

    /// veto = "一票否决" NAME [attributes] "{" { "取" selection | "当" expr | "定为" NAME } "}"
    mutating func parseVeto(start: Int) throws -> VetoDeclaration {
        let name = try expectName(after: .veto)
        let attributes = try parseAttributes()
        var selection: Selection?, condition: Expression?, tier: Identifier?
        var seen: [Keyword: Span] = [:]
        let errorsBefore = errors.count
        let allowed: [Keyword] = [.take, .when, .force]
        let block = try parseBlock(.veto) { p in
            let t = p.peek
            guard let k = t.keyword, allowed.contains(k) else { try p.fail(p.unknownClause(.veto, allowed: allowed)) }
            if let first = seen[k] { try p.fail(.duplicateClause(t.span, clause: k, first: first)) }
            seen[k] = t.span
            p.advance()
            switch k {
            case .take: selection = try p.parseSelection(start: t.span.start)
            case .when: condition = try p.parseExpression()
            default: tier = try p.name()
            }
        }
        if errors.count == errorsBefore, condition == nil { errors.append(.missingClause(name.span, declaration: .veto, clause: .when)) }
        if errors.count == errorsBefore, tier == nil { errors.append(.missingClause(name.span, declaration: .veto, clause: .force)) }
        return VetoDeclaration(name: name, attributes: attributes, selection: selection, condition: condition, tier: tier,
                               span: Span(start: start, end: block.end))
    }

    // MARK: - Tiers

    /// tiers    = "等次评定" [attributes] "{" { tierRule | ordering } "}"
    /// tierRule = NAME "：" ( "其余" | expr ) [ "，" "名额" expr "按" NAME ]
    /// ordering = "排序" orderKey { ( "、" | "，" ) orderKey }
    /// orderKey = expr ( "从高到低" | "从低到高" )
    mutating func parseTiers(start: Int) throws -> TierDeclaration {
        let attributes = try parseAttributes()
        var rules: [TierRule] = []
        var ordering: [OrderKey] = []
        var orderingSpan: Span?
        var rankGroups: GroupKeys?
        var exclusions: [Identifier] = []
        var exclusionsSpan: Span?
        let block = try parseBlock(.tiers) { p in
            let t = p.peek
            if let first = orderingSpan, t.keyword == .order {
                try p.fail(.duplicateClause(t.span, clause: .order, first: first))
            }
            if p.eat(.order) != nil {
                repeat {
                    let key = try p.parseExpression()
                    let dirToken = p.peek
                    let direction: OrderKey.Direction
                    switch dirToken.keyword {
                    case .descending: direction = .descending
                    case .ascending: direction = .ascending
                    default: try p.fail(.expectedToken(dirToken.span, expected: .keyword(.descending), found: dirToken.kind))
                    }
                    p.advance()
                    ordering.append(OrderKey(key: key, direction: direction, span: key.span.union(dirToken.span)))
                } while p.eatKind(.listComma) != nil || (p.atKind(.comma) && !p.peek(1).isLineEnd && p.advance().kind == .comma)
                orderingSpan = Span(start: t.span.start, end: p.previousEnd)
                return
            }
            if t.keyword == .rank, p.peek(1).keyword == .by {
                if let first = rankGroups { try p.fail(.duplicateClause(t.span, clause: .rank, first: first.span)) }
                p.advance()
                p.advance()
                rankGroups = try p.parseGroupKeys()
                return
            }
            if t.keyword == .rankExcludes {
                if let first = exclusionsSpan { try p.fail(.duplicateClause(t.span, clause: .rankExcludes, first: first)) }
                p.advance()
                repeat { exclusions.append(try p.anyWord()) } while p.eatKind(.listComma) != nil || p.eatKind(.comma) != nil
                exclusionsSpan = Span(start: t.span.start, end: p.previousEnd)
                return
            }
            guard p.isIdentifier(t) else { try p.fail(p.unknownClause(.tiers, allowed: [.order, .rank, .rankExcludes])) }
            let tier = try p.name()
            _ = try p.expect(.colon, .colon)
            var condition: Expression?
            if p.eat(.otherwise) == nil { condition = try p.parseExpression() }
            var quota: Quota?
            if p.atKind(.comma), p.peek(1).keyword == .quota { p.advance() }
            if let q = p.eat(.quota) {
                let share = try p.parseExpression()
                _ = try p.expect(.by)
                let groups = try p.parseGroupKeys()
                quota = Quota(share: share, groups: groups, span: Span(start: q.span.start, end: groups.span.end))
            }
            rules.append(TierRule(tier: tier, condition: condition, quota: quota, span: Span(start: tier.span.start, end: p.previousEnd)))
        }
        return TierDeclaration(attributes: attributes, rules: rules, ordering: ordering, orderingSpan: orderingSpan,
                               rankGroups: rankGroups, rankExclusions: exclusions, rankExclusionsSpan: exclusionsSpan,
                               span: Span(start: start, end: block.end))
    }

    /// groupKeys = NAME { "、" NAME } (a roster field, a grouping, or 全县)
    mutating func parseGroupKeys() throws -> GroupKeys {
        var names: [Identifier] = []
        let start = peek.span.start
        repeat { names.append(try name()) } while eatKind(.listComma) != nil
        if names.count == 1, names[0].name == GroupKeys.countyWord || names[0].name.lowercased() == "county" {
            return GroupKeys(names: [], span: names[0].span)
        }
        return GroupKeys(names: names, span: Span(start: start, end: previousEnd))
    }

    /// A name or any keyword, as the word written: the entries of `排名不含` (一票否决 is a
    /// keyword, 本月入职 may be one).
    mutating func anyWord() throws -> Identifier {
        let t = peek
        if let id = nameToken(t) {
            advance()
            return id
        }
        if case .keyword = t.kind {
            advance()
            return Identifier(name: TextNormalizer.normalize(source.text(t.span)), span: t.span)
        }
        return try name()
    }

    /// grouping = "分组" NAME [attributes] "{" { NAME "：" ( expr | "其余" ) } "}"
    mutating func parseGrouping(start: Int) throws -> GroupingDeclaration {
        let name = try expectName(after: .grouping)
        let attributes = try parseAttributes()
        var groups: [GroupingRule] = []
        let block = try parseBlock(.grouping) { p in
            let t = p.peek
            guard p.isIdentifier(t) else { try p.fail(p.unknownClause(.grouping, allowed: [])) }
            let label = try p.name()
            _ = try p.expect(.colon, .colon)
            var condition: Expression?
            if p.eat(.otherwise) == nil { condition = try p.parseExpression() }
            groups.append(GroupingRule(label: label, condition: condition, span: Span(start: label.span.start, end: p.previousEnd)))
        }
        return GroupingDeclaration(name: name, attributes: attributes, groups: groups, span: Span(start: start, end: block.end))
    }

    // MARK: - Parameters and tables

    /// parameter = "参数" NAME [attributes] ( "=" expr | "{" { datedValue } "}" )
    /// datedValue = [ "自" DATE [ "起" ] ] [ "：" ] expr
    mutating func parseParameter(start: Int) throws -> ParameterDeclaration {
        let name = try expectName(after: .parameter)
        let attributes = try parseAttributes()
        if eatKind(.equal) != nil {
            let value = try parseExpression()
            return ParameterDeclaration(name: name, attributes: attributes, values: [DatedValue(since: nil, value: value, span: value.span)],
                                        isInline: true, span: Span(start: start, end: value.span.end))
        }
        var values: [DatedValue] = []
        if !atKind(.lBrace) && !atKind(.newline) {
            try fail(.expectedToken(peek.span, expected: .equals, found: peekKind))
        }
        let block = try parseBlock(.parameter) { p in
            let first = p.peek.span.start
            var since: DateValue?
            if p.eat(.since) != nil {
                since = try p.parseDate()
                _ = p.eat(.onward)
                _ = p.eatKind(.colon) ?? p.eatKind(.comma)
            }
            let value = try p.parseExpression()
            values.append(DatedValue(since: since, value: value, span: Span(start: first, end: value.span.end)))
        }
        return ParameterDeclaration(name: name, attributes: attributes, values: values, isInline: false, span: Span(start: start, end: block.end))
    }

    /// table = "对照表" NAME [attributes] [ "按" NAME ] "{" { ( "其余" | expr ) "：" expr } "}"
    mutating func parseLookupTable(start: Int) throws -> LookupTableDeclaration {
        let name = try expectName(after: .table)
        let attributes = try parseAttributes()
        var key: Identifier?
        if eat(.by) != nil {
            // `按 等次`: a table of the tiers (等次系数, 等次奖).
            if let t = eat(.tier) { key = Identifier(name: Keyword.tier.chinese, span: t.span) } else { key = try self.name() }
        }
        var rows: [LookupRow] = []
        let block = try parseBlock(.table) { p in
            let first = p.peek.span.start
            var rowKey: Expression?
            if p.eat(.otherwise) == nil { rowKey = try p.parseExpression() }
            if p.eatKind(.colon) == nil { _ = try p.expect(.colon, .colon) }
            let value = try p.parseExpression()
            rows.append(LookupRow(key: rowKey, value: value, span: Span(start: first, end: value.span.end)))
        }
        return LookupTableDeclaration(name: name, attributes: attributes, key: key, rows: rows, span: Span(start: start, end: block.end))
    }

    /// brackets   = "累进表" NAME [attributes] "{" { bracketRow } "}"
    /// bracketRow = ( "不超过" expr | "超过" [ expr ] ) "：" expr [ "，" "速算扣除" expr ]
    mutating func parseBrackets(start: Int) throws -> BracketTableDeclaration {
        let name = try expectName(after: .brackets)
        let attributes = try parseAttributes()
        var rows: [BracketRow] = []
        let block = try parseBlock(.brackets) { p in
            let t = p.peek
            var upTo: Expression?, above: Expression?
            if p.eat(.upTo) != nil {
                upTo = try p.parseExpression()
            } else if p.eat(.above) != nil {
                if !p.atKind(.colon) { above = try p.parseExpression() }
            } else {
                try p.fail(p.unknownClause(.brackets, allowed: [.upTo, .above]))
            }
            _ = try p.expect(.colon, .colon)
            let rate = try p.parseExpression()
            var quick: Expression?
            if p.atKind(.comma), p.peek(1).keyword == .quick { p.advance() }
            if p.eat(.quick) != nil { quick = try p.parseExpression() }
            rows.append(BracketRow(upTo: upTo, above: above, rate: rate, quickDeduction: quick,
                                   span: Span(start: t.span.start, end: p.previousEnd)))
        }
        return BracketTableDeclaration(name: name, attributes: attributes, rows: rows, span: Span(start: start, end: block.end))
    }

    // MARK: - Pay

    /// payLine   = ( "应发项" | "扣款项" | "实发项" | "计算项" ) NAME [attributes] "=" expr [ "{" { payClause } "}" ]
    /// payClause = "舍入" rounding | "不适用" expr | "下限" expr | "个税申报" STRING
    /// rounding  = [ "四舍五入" | "银行家舍入" | "舍去" | "进一" ] [ "到分" | "到角" | "到元" ]   (at least one)
    mutating func parsePayLine(_ kind: PayLineDeclaration.Kind, keyword: Keyword, start: Int) throws -> PayLineDeclaration {
        let name = try expectName(after: keyword)
        let attributes = try parseAttributes()
        _ = try expect(.equal, .equals)
        let formula = try parseExpression()
        var clauses: [PayClause] = []
        var end = formula.span.end
        // A block on the next line belongs to this line only if it opens with {.
        var look = index
        while tokens[look].kind == .newline { look += 1 }
        if tokens[look].kind == .lBrace {
            var seen: [Keyword: Span] = [:]
            let allowed: [Keyword] = [.round, .exempt, .floor, .taxColumn]
            let block = try parseBlock(keyword) { p in
                let t = p.peek
                guard let k = t.keyword, allowed.contains(k) else { try p.fail(p.unknownClause(keyword, allowed: allowed)) }
                if k != .exempt, let first = seen[k] { try p.fail(.duplicateClause(t.span, clause: k, first: first)) }
                seen[k] = t.span
                p.advance()
                switch k {
                case .round: clauses.append(.round(try p.parseRounding(start: t.span)))
                case .exempt:
                    let e = try p.parseExpression()
                    clauses.append(.exempt(e, span: t.span.union(e.span)))
                case .taxColumn:
                    guard case .string(let s) = p.peekKind else {
                        try p.fail(.expectedToken(p.peek.span, expected: .keyword(.taxColumn), found: p.peekKind))
                    }
                    let v = StringValue(text: s, span: p.advance().span)
                    clauses.append(.taxColumn(v, span: t.span.union(v.span)))
                default:
                    let e = try p.parseExpression()
                    clauses.append(.floor(Floor(amount: e, span: t.span.union(e.span))))
                }
            }
            end = block.end
        }
        return PayLineDeclaration(kind: kind, name: name, attributes: attributes, formula: formula, clauses: clauses, span: Span(start: start, end: end))
    }

    /// rounding = { "四舍五入" | "银行家舍入" | "舍去" | "进一" | "到分" | "到角" | "到元" }   (at least one,
    ///            at most one mode and one place; a missing mode is 四舍五入, a missing place 到分)
    mutating func parseRounding(start: Span) throws -> RoundingDeclaration {
        var mode: Rounding?, place: RoundingDeclaration.Place?
        while true {
            switch peek.keyword {
            case .halfUp where mode == nil: mode = .halfUp
            case .halfEven where mode == nil: mode = .halfEven
            case .down where mode == nil: mode = .down
            case .up where mode == nil: mode = .up
            case .toFen where place == nil: place = .fen
            case .toJiao where place == nil: place = .jiao
            case .toYuan where place == nil: place = .yuan
            default:
                // `到 0.0001 元`, `到毛`: a place the language does not have. Said as such, with
                // the places it has, rather than as more written after the clause (R0013).
                if place == nil, case .identifier(let word) = peekKind, word.hasPrefix(YearWords.to) || word == "to" {
                    try fail(.roundingPlace(roundingPlaceSpan(), written: roundingPlaceText()))
                }
                if mode == nil && place == nil { try fail(.expectedRounding(peek.span, found: peekKind)) }
                return RoundingDeclaration(mode: mode ?? .halfUp, place: place ?? .fen, span: Span(start: start.start, end: previousEnd))
            }
            advance()
        }
    }

    /// The tokens from here to the end of the clause (a line break, `，`, `；` or `}`): a
    /// rounding place as written, `到 0.0001 元`.
    func roundingPlaceSpan() -> Span {
        var end = peek.span.end, i = index
        while i < tokens.count {
            switch tokens[i].kind {
            case .newline, .comma, .semicolon, .rBrace, .endOfFile: return Span(start: peek.span.start, end: end)
            default: end = tokens[i].span.end
            }
            i += 1
        }
        return Span(start: peek.span.start, end: end)
    }

    func roundingPlaceText() -> String {
        let span = roundingPlaceSpan()
        return String(decoding: source.bytes[span.start..<span.end], as: UTF8.self)
    }

    // MARK: - Tests

    /// test = "测试" NAME [attributes] "{" { "月份" MONTH | "参数" NAME "=" expr | records | expectation } "}"
    mutating func parseTest(start: Int) throws -> TestCaseDeclaration {
        let name = try expectName(after: .test)
        let attributes = try parseAttributes()
        var clauses: [TestClause] = []
        let allowed: [Keyword] = [.month, .parameter, .records, .expect]
        let block = try parseBlock(.test) { p in
            let t = p.peek
            guard let k = t.keyword, allowed.contains(k) else { try p.fail(p.unknownClause(.test, allowed: allowed)) }
            p.advance()
            switch k {
            case .month:
                guard case .month(let m) = p.peekKind else {
                    try p.fail(.expectedToken(p.peek.span, expected: .month, found: p.peekKind))
                }
                clauses.append(.month(m, span: t.span.union(p.advance().span)))
            case .parameter:
                clauses.append(.parameter(try p.parseParameter(start: t.span.start)))
            case .records:
                clauses.append(.records(try p.parseRecords(start: t.span.start)))
            default:
                clauses.append(.expect(try p.parseExpectation(start: t.span.start)))
            }
        }
        return TestCaseDeclaration(name: name, attributes: attributes, clauses: clauses, span: Span(start: start, end: block.end))
    }

    /// records = "记录" NAME "{" header-line { row-line } "}"
    /// Cells are runs of tokens without space between them; their text is kept as written.
    mutating func parseRecords(start: Int) throws -> RecordsBlock {
        let sourceName = try name()
        skipNewlines()
        let open = try expect(.lBrace, .openBrace)
        var lines: [[Cell]] = []
        while true {
            skipNewlines()
            if let close = eatKind(.rBrace) {
                let header = lines.first ?? []
                for row in lines.dropFirst() where row.count != header.count {
                    errors.append(.recordCellCount(row.first!.span.union(row.last!.span), found: row.count, expected: header.count))
                }
                return RecordsBlock(source: sourceName, header: header, rows: Array(lines.dropFirst()),
                                    span: Span(start: start, end: close.span.end))
            }
            if atKind(.endOfFile) {
                try fail(.unclosedBlock(open.span, openedAt: open.span))
            }
            var cells: [Cell] = []
            while !atLineEnd, !atKind(.rBrace) {
                let first = advance()
                var end = first.span.end
                while !atLineEnd, !peek.hasSpaceBefore, !atKind(.rBrace) { end = advance().span.end }
                let span = Span(start: first.span.start, end: end)
                cells.append(Cell(text: source.text(span), span: span))
                rawCells.append(span)
            }
            if !cells.isEmpty { lines.append(cells) }
        }
    }

    /// expectation = "期望" cell "{" { ( "得分" | "等次" | NAME ) "=" expr } "}"
    mutating func parseExpectation(start: Int) throws -> Expectation {
        guard !atLineEnd, !atKind(.lBrace) else { try fail(.expectedToken(peek.span, expected: .name, found: peekKind)) }
        let first = advance()
        var end = first.span.end
        while !atLineEnd, !peek.hasSpaceBefore, !atKind(.lBrace) { end = advance().span.end }
        let cadreSpan = Span(start: first.span.start, end: end)
        let cadre = Cell(text: source.text(cadreSpan), span: cadreSpan)
        var checks: [ExpectedValue] = []
        let block = try parseBlock(.expect) { p in
            let t = p.peek
            let target: ExpectedValue.Target
            switch t.kind {
            case .keyword(.score): target = .score
            case .keyword(.tier): target = .tier
            case .keyword(.rank): target = .rank
            default:
                guard let id = p.nameToken(t) else { try p.fail(p.unknownClause(.expect, allowed: [.score, .tier, .rank])) }
                target = .name(id)
            }
            p.advance()
            _ = try p.expect(.equal, .equals)
            let value = try p.parseExpression()
            checks.append(ExpectedValue(target: target, value: value, span: t.span.union(value.span)))
        }
        return Expectation(cadre: cadre, checks: checks, span: Span(start: start, end: block.end))
    }
}

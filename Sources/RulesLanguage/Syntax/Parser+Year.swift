import Diagnostics
import Exact

extension RulesParser {
    /// year       = "年度考核" [attributes] "{" { yearClause } "}"
    /// yearClause = "年度得分" "=" expr [ "，" "舍入" [ mode ] [ "到" NUMBER [ "分" ] ] ]
    ///            | "在岗不足" expr "定为" NAME
    ///            | "一票否决" NAME "：" expr [ "，" ] "定为" NAME
    ///            | tiers | payLine
    ///            | "奖金计税" NAME "{" { "方式" NAME | "单独计税" "按" NAME | "并入综合所得" "按" NAME
    ///                                  | "应纳税所得额" "=" expr } "}"
    mutating func parseYear(start: Int) throws -> YearDeclaration {
        let attributes = try parseAttributes()
        inYear = true
        defer { inYear = false }
        var clauses: [YearClause] = []
        let allowed: [Keyword] = [.tiers, .veto, .earning, .withholding, .net, .value]
        let block = try parseBlock(.yearAssessment) { p in
            let t = p.peek
            switch t.kind {
            case .keyword(.tiers):
                p.advance()
                clauses.append(.tiers(try p.parseTiers(start: t.span.start)))
            case .keyword(let k) where k == .earning || k == .withholding || k == .net || k == .value:
                p.advance()
                let kind: PayLineDeclaration.Kind = k == .earning ? .earning : k == .withholding ? .withholding : k == .net ? .net : .value
                clauses.append(.payLine(try p.parsePayLine(kind, keyword: k, start: t.span.start)))
            case .keyword(.veto):
                p.advance()
                let name = try p.expectName(after: .veto)
                _ = try p.expect(.colon, .colon)
                let condition = try p.parseExpression()
                _ = p.eatKind(.comma)
                _ = try p.expect(.force)
                let tier = try p.name()
                clauses.append(.veto(name: name, condition: condition, tier: tier, span: Span(start: t.span.start, end: p.previousEnd)))
            case .identifier(YearWords.score):
                p.advance()
                _ = try p.expect(.equal, .equals)
                let formula = try p.parseExpression()
                var rounding: ScoreRounding?
                if p.atKind(.comma), p.peek(1).keyword == .round { p.advance() }
                if let r = p.eat(.round) { rounding = try p.parseScoreRounding(start: r.span) }
                clauses.append(.score(formula: formula, rounding: rounding, span: Span(start: t.span.start, end: p.previousEnd)))
            case .identifier(YearWords.minimum):
                p.advance()
                let months = try p.parseExpression()
                _ = p.eatKind(.comma)
                _ = try p.expect(.force)
                let label = try p.name()
                clauses.append(.minimumMonths(months: months, label: label, span: Span(start: t.span.start, end: p.previousEnd)))
            case .identifier(BonusTaxDeclaration.clauseWord):
                p.advance()
                clauses.append(.bonusTax(try p.parseBonusTax(start: t.span.start)))
            case .identifier(YearWords.payment):
                p.advance()
                clauses.append(try p.parsePayment(start: t.span.start, allowed: allowed))
            default:
                try p.fail(p.unknownClause(.yearAssessment, allowed: allowed))
            }
        }
        return YearDeclaration(attributes: attributes, clauses: clauses, span: Span(start: start, end: block.end))
    }

    /// payment = "发放" ( "单独发放" | "随" "次年" NUMBER "月工资" )   (`次年1月工资`, `次年 1 月 工资`)
    mutating func parsePayment(start: Int, allowed: [Keyword]) throws -> YearClause {
        if case .identifier(YearWords.separatePayment) = peekKind {
            advance()
            return .payment(month: nil, span: Span(start: start, end: previousEnd))
        }
        guard case .identifier(YearWords.withPayroll) = peekKind, case .identifier(YearWords.nextYear) = peek(1).kind else {
            try fail(unknownClause(.yearAssessment, allowed: allowed))
        }
        advance()
        advance()
        let month = try parsePrimary()
        var word = ""
        while word.count < YearWords.monthPayroll.count, case .identifier(let w) = peekKind, YearWords.monthPayroll.hasPrefix(word + w) {
            word += w
            advance()
        }
        if word != YearWords.monthPayroll { try fail(unknownClause(.yearAssessment, allowed: allowed)) }
        return .payment(month: month, span: Span(start: start, end: previousEnd))
    }

    /// scoreRounding = [ "四舍五入" | "银行家舍入" | "舍去" | "进一" ] [ "到" NUMBER [ "分" ] ]   (at least one)
    mutating func parseScoreRounding(start: Span) throws -> ScoreRounding {
        var mode: Rounding?
        switch peek.keyword {
        case .halfUp: mode = .halfUp
        case .halfEven: mode = .halfEven
        case .down: mode = .down
        case .up: mode = .up
        default: break
        }
        if mode != nil { advance() }
        var step: Expression?
        if case .identifier(YearWords.to) = peekKind {
            advance()
            step = try parsePrimary()
        }
        if mode == nil && step == nil { try fail(.expectedRounding(peek.span, found: peekKind)) }
        return ScoreRounding(mode: mode ?? .halfUp, step: step, span: Span(start: start.start, end: previousEnd))
    }

    mutating func parseBonusTax(start: Int) throws -> BonusTaxDeclaration {
        let bonus = try name()
        var d = BonusTaxDeclaration(bonus: bonus, span: Span(start: start, end: start))
        let block = try parseBlock(.yearAssessment) { p in
            let t = p.peek
            guard case .identifier(let word) = t.kind else { try p.fail(p.unknownClause(.yearAssessment, allowed: [])) }
            switch word {
            case BonusTaxDeclaration.methodWord:
                p.advance()
                d.method = try p.name()
            case BonusTaxDeclaration.separateWord, BonusTaxDeclaration.mergedWord:
                p.advance()
                _ = try p.expect(.by)
                let table = try p.name()
                if word == BonusTaxDeclaration.separateWord { d.separateTable = table } else { d.mergedTable = table }
            case BonusTaxDeclaration.taxableWord:
                p.advance()
                _ = try p.expect(.equal, .equals)
                d.taxable = try p.parseExpression()
            default:
                try p.fail(p.unknownClause(.yearAssessment, allowed: []))
            }
        }
        d.span = Span(start: start, end: block.end)
        return d
    }
}
